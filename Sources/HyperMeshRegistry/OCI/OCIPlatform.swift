/// An OCI platform: the `os` and `architecture` of an image index entry (`linux/amd64`).
public struct OCIPlatform: Sendable, Hashable, Codable, CustomStringConvertible {
    public var architecture: String
    public var os: String
    /// `v8` for `arm64`, when given; compared only when both sides give one.
    public var variant: String?

    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    public var description: String { [os, architecture, variant].compactMap { $0 }.joined(separator: "/") }

    /// Parses `os/architecture[/variant]`, e.g. `linux/arm64`.
    public init(parsing text: String) throws(RegistryError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty }) else {
            throw RegistryError(.referenceInvalid, subject: text, "a platform is os/architecture, e.g. linux/amd64")
        }
        self.init(os: parts[0], architecture: parts[1], variant: parts.count == 3 ? parts[2] : nil)
    }

    /// Whether an index entry for `self` can run where `other` is wanted.
    public func satisfies(_ other: OCIPlatform) -> Bool {
        os == other.os && architecture == other.architecture
            && (variant == nil || other.variant == nil || variant == other.variant)
    }

    /// The platform this process runs on, in OCI's names (`amd64`, `arm64`).
    public static var current: OCIPlatform {
        #if arch(x86_64)
        let architecture = "amd64"
        #elseif arch(arm64)
        let architecture = "arm64"
        #else
        let architecture = "unknown"
        #endif
        #if os(Linux)
        return OCIPlatform(os: "linux", architecture: architecture)
        #elseif os(macOS)
        return OCIPlatform(os: "darwin", architecture: architecture)
        #else
        return OCIPlatform(os: "unknown", architecture: architecture)
        #endif
    }
}
