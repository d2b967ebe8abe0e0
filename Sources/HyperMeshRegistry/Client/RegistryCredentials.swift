/// A user name and password (or token) for one registry.
///
/// When a Docker `config.json` entry holds an `identitytoken` instead of a password, the user name
/// is ``identityTokenUsername`` and the password is the token; it is then sent to a Bearer realm as
/// an OAuth2 refresh token (as Docker does), never as Basic credentials to the registry itself.
public struct RegistryCredentials: Sendable, Hashable, Codable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The user name Docker writes for identity-token entries.
    public static let identityTokenUsername = "<token>"

    var isIdentityToken: Bool { username == Self.identityTokenUsername }

    /// The `Authorization: Basic …` value.
    var basicAuthorization: String {
        "Basic " + Data("\(username):\(password)".utf8).base64EncodedString()
    }
}

import Foundation
