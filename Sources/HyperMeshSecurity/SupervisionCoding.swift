/// Reads and writes the policy file's `supervision` section (see ``SupervisionSettings``).
enum SupervisionCoding {
    static let keys = ["restarts", "maxFailures", "windowSeconds", "initialDelayMilliseconds", "delayFactor", "maxDelayMilliseconds"]
    /// A day: longer delays or windows are surely a typo.
    static let longest: UInt64 = 86_400_000

    static func decode(_ value: PolicyJSON, at path: String) throws(PolicyError) -> SupervisionSettings {
        let members = try value.object(at: path)
        try members.rejectUnknownKeys(keys, at: path)
        var settings = SupervisionSettings()
        if let field = members["restarts"] {
            guard case .bool(let flag) = field else { throw field.typeError("a boolean", at: "\(path).restarts") }
            settings.restarts = flag
        }
        if let field = members["maxFailures"] { settings.maxFailures = Int(try field.integer(at: "\(path).maxFailures", in: 1...1_000)) }
        if let field = members["windowSeconds"] { settings.windowSeconds = try field.integer(at: "\(path).windowSeconds", in: 1...(longest / 1_000)) }
        if let field = members["initialDelayMilliseconds"] {
            settings.initialDelayMilliseconds = try field.integer(at: "\(path).initialDelayMilliseconds", in: 0...longest)
        }
        if let field = members["delayFactor"] { settings.delayFactor = Int(try field.integer(at: "\(path).delayFactor", in: 1...100)) }
        if let field = members["maxDelayMilliseconds"] {
            settings.maxDelayMilliseconds = try field.integer(at: "\(path).maxDelayMilliseconds", in: 0...longest)
        }
        return settings
    }

    static func encode(_ settings: SupervisionSettings) -> [String: Any] {
        ["restarts": settings.restarts, "maxFailures": settings.maxFailures, "windowSeconds": settings.windowSeconds,
         "initialDelayMilliseconds": settings.initialDelayMilliseconds, "delayFactor": settings.delayFactor,
         "maxDelayMilliseconds": settings.maxDelayMilliseconds]
    }
}
