import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Answering 401 challenges: Basic credentials, or a Bearer token from the challenge's realm.
extension RegistryClient {
    /// What the `Authorization` header of a request carried.
    enum AuthenticationAttempt: Equatable, Sendable {
        case none, basic, bearer
    }

    /// The header for `call`: a cached, unexpired token for its registry and scope, else Basic
    /// credentials when the registry asked for them before, else nothing (anonymous).
    func authorization(for call: Call) -> String? {
        guard call.authenticate else { return nil }
        let fixed = settings.fixedCredentials[call.registry]
        return state.withLock { state in
            if let entry = state.tokens[TokenKey(registry: call.registry, scope: call.scope)], entry.expires > .now {
                return "Bearer \(entry.token)"
            }
            if state.basicRegistries.contains(call.registry), let credentials = fixed ?? state.credentials[call.registry] ?? nil,
               !credentials.isIdentityToken {
                return credentials.basicAuthorization
            }
            return nil
        }
    }

    /// The credentials for `registry`, read once from the store (on the thread pool) and cached.
    func credentials(for registry: String) async throws(RegistryError) -> RegistryCredentials? {
        if let fixed = settings.fixedCredentials[registry] { return fixed }
        if let cached = state.withLock({ $0.credentials[registry] }) { return cached }
        guard let store = settings.credentials else { return nil }
        let found = try await BlobFileIO.offload(store.file.path, "read the credentials") {
            try store.credentials(for: registry)
        }
        state.withLock { $0.credentials[registry] = .some(found) }
        return found
    }

    /// Prepares the retry of `call` after a 401 with `challenges`, or throws `oci.unauthorized`.
    /// `sent` is what the refused request carried; `fetchedToken` whether this call already got a
    /// fresh token (a second refusal then is final).
    func authenticate(_ call: Call, challenges: [RegistryAuthChallenge], sent: AuthenticationAttempt,
                      fetchedToken: Bool) async throws(RegistryError) -> AuthenticationAttempt {
        let credentials = try await self.credentials(for: call.registry)
        let who = credentials.map { $0.isIdentityToken ? "an identity token" : "the credentials of user \($0.username)" }
        if let bearer = challenges.first(where: { $0.scheme == "bearer" }) {
            guard !fetchedToken else {
                throw RegistryError(.unauthorized, subject: call.subject,
                                    "the registry \(call.registry) refused a fresh token " + (who.map { "obtained with \($0)" } ?? "obtained anonymously (no credentials were sent; store some for \(call.registry))"))
            }
            guard let realm = bearer.realm else {
                throw RegistryError(.protocolViolation, subject: call.subject, "the registry \(call.registry) asked for a Bearer token without a realm")
            }
            let (token, lifetime) = try await fetchToken(realm: realm, service: bearer.service, scope: call.scope,
                                                         credentials: credentials, for: call)
            state.withLock { $0.tokens[TokenKey(registry: call.registry, scope: call.scope)] = (token, .now + lifetime) }
            return .bearer
        }
        if challenges.contains(where: { $0.scheme == "basic" }) {
            guard let credentials, !credentials.isIdentityToken else {
                throw RegistryError(.unauthorized, subject: call.subject,
                                    "the registry \(call.registry) requires credentials and none were sent (none are stored for \(call.registry))")
            }
            guard sent != .basic else {
                throw RegistryError(.unauthorized, subject: call.subject,
                                    "the registry \(call.registry) refused \(who ?? "the credentials") (credentials were sent)")
            }
            state.withLock { _ = $0.basicRegistries.insert(call.registry) }
            return .basic
        }
        throw RegistryError(.unauthorized, subject: call.subject,
                            "the registry \(call.registry) answered 401 without a Basic or Bearer challenge (credentials were \(sent == .none ? "not " : "")sent)")
    }

    /// Asks `realm` for a token for `scope`: GET with `service` and `scope` (Basic credentials when
    /// there are some), or, for a Docker identity token, an OAuth2 refresh-token POST. Answers the
    /// token and how long it may be used (`expires_in`, 60 s when absent).
    func fetchToken(realm: String, service: String?, scope: String, credentials: RegistryCredentials?,
                    for call: Call) async throws(RegistryError) -> (String, Duration) {
        guard var components = URLComponents(string: realm), components.scheme == "https" || components.scheme == "http" else {
            throw RegistryError(.protocolViolation, subject: call.subject, "the token realm \(realm) of \(call.registry) is not an http(s) URL")
        }
        let scopes = scope.split(separator: " ").map(String.init)
        var tokenCall = Call(method: .GET, url: realm, registry: RegistryClient.authority(of: realm), scope: "",
                             subject: call.subject, authenticate: false)
        if let credentials, credentials.isIdentityToken {
            var form = URLComponents()
            form.queryItems = [URLQueryItem(name: "grant_type", value: "refresh_token"),
                               URLQueryItem(name: "refresh_token", value: credentials.password),
                               URLQueryItem(name: "client_id", value: "hypermesh")]
                + (service.map { [URLQueryItem(name: "service", value: $0)] } ?? [])
                + [URLQueryItem(name: "scope", value: scope)]
            tokenCall.method = .POST
            tokenCall.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            tokenCall.body = ByteBuffer(string: form.percentEncodedQuery ?? "")
        } else {
            var items = components.queryItems ?? []
            if let service { items.append(URLQueryItem(name: "service", value: service)) }
            items += scopes.map { URLQueryItem(name: "scope", value: $0) }
            components.queryItems = items
            tokenCall.url = components.string ?? realm
            if let credentials { tokenCall.headers.add(name: "Authorization", value: credentials.basicAuthorization) }
        }
        let response = try await send(tokenCall, credentialsSent: credentials != nil)
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: 1 << 20) } catch {
            throw RegistryError(.unavailable, subject: call.subject, "cannot read the token from \(realm)", cause: "\(error)")
        }
        guard let answer = Self.tokenAnswer(body) else {
            throw RegistryError(.protocolViolation, subject: call.subject, "the token realm \(realm) answered no token")
        }
        return answer
    }

    /// The token of a token service's answer (`token`, else `access_token`; not empty) and how long
    /// it may be used (`expires_in` seconds, at least 1; 60 when absent). nil when the body is not
    /// such an answer.
    package static func tokenAnswer(_ body: ByteBuffer) -> (token: String, lifetime: Duration)? {
        struct TokenAnswer: Decodable {
            var token: String?
            var access_token: String?
            var expires_in: Int?
        }
        guard let answer = try? JSONDecoder().decode(TokenAnswer.self, from: Data(body.readableBytesView)),
              let token = answer.token ?? answer.access_token, !token.isEmpty else { return nil }
        return (token, .seconds(max(answer.expires_in ?? 60, 1)))
    }
}
