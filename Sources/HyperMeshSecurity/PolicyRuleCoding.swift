import HyperMeshManifest

/// Reads and writes one ``PolicyRule`` of the policy file (see ``PolicyFile`` for the format).
enum PolicyRuleCoding {
    static let keys = ["allow", "deny", "quotas", "anomaly", "violations", "isolation", "requiredIsolationLayers", "engine"]
    static let anomalyKeys = ["deviations", "warmupSamples", "growthSamples", "minimumCPUMicroseconds", "minimumRelativeDeviation", "action", "throttleRate"]
    static let violationKeys = ["windowSeconds", "threshold", "thresholds"]

    static func decode(_ value: PolicyJSON, at path: String) throws(PolicyError) -> PolicyRule {
        let members = try value.object(at: path)
        try members.rejectUnknownKeys(keys, at: path)
        var rule = PolicyRule()
        if let allow = members["allow"] { rule.allow = try capabilities(allow, at: "\(path).allow") }
        if let deny = members["deny"] { rule.deny = try capabilities(deny, at: "\(path).deny") }
        if let quotas = members["quotas"] { rule.quotas = try decodeQuotas(quotas, at: "\(path).quotas") }
        if let anomaly = members["anomaly"] { rule.anomaly = try decodeAnomaly(anomaly, at: "\(path).anomaly") }
        if let violations = members["violations"] { rule.violations = try decodeViolations(violations, at: "\(path).violations") }
        if let isolation = members["isolation"] {
            let text = try isolation.string(at: "\(path).isolation")
            guard let mode = Isolation(rawValue: text) else {
                throw PolicyError(.badValue, "unknown isolation '\(text)' (known: \(Isolation.allCases.map(\.rawValue).joined(separator: ", ")))", at: "\(path).isolation")
            }
            rule.isolation = mode
        }
        if let engine = members["engine"] {
            let text = try engine.string(at: "\(path).engine")
            guard let choice = WasmEngine(rawValue: text) else {
                throw PolicyError(.badValue, "unknown wasm engine '\(text)' (known: \(WasmEngine.allCases.map(\.rawValue).joined(separator: ", ")))", at: "\(path).engine")
            }
            rule.engine = choice
        }
        if let layers = members["requiredIsolationLayers"] {
            rule.requiredIsolationLayers = try WorkerIsolationCoding.layers(layers, at: "\(path).requiredIsolationLayers")
        }
        return rule
    }

    static func capabilities(_ value: PolicyJSON, at path: String) throws(PolicyError) -> Set<Capability> {
        var result: Set<Capability> = []
        for (index, name) in try value.strings(at: path).enumerated() {
            guard let capability = Capability(rawValue: name) else {
                throw PolicyError(.badValue, "unknown capability '\(name)' (known: \(Capability.validNamesDescription))",
                                  at: "\(path)[\(index)]")
            }
            result.insert(capability)
        }
        return result
    }

    static func decodeQuotas(_ value: PolicyJSON, at path: String) throws(PolicyError) -> Quotas {
        let members = try value.object(at: path)
        try members.rejectUnknownKeys(Quotas.jsonKeys, at: path)
        func read(_ key: String, max: UInt64 = .max) throws(PolicyError) -> UInt64? {
            guard let field = members[key] else { return nil }
            return try field.integer(at: "\(path).\(key)", in: Quotas.minimumValue(forKey: key)...Swift.min(max, Quotas.maximumValue(forKey: key) ?? .max))
        }
        return Quotas(
            cpuMillisecondsPerCall: try read("cpuMillisecondsPerCall"), memoryBytes: try read("memoryBytes"),
            storageBytes: try read("storageBytes"), networkBytes: try read("networkBytes"),
            fileDescriptors: try read("fileDescriptors", max: UInt64(UInt32.max)).map(UInt32.init),
            operationsPerSecond: try read("operationsPerSecond", max: UInt64(UInt32.max)).map(UInt32.init),
            concurrency: try read("concurrency", max: UInt64(UInt32.max)).map(UInt32.init),
            cpuMillisecondsTotal: try read("cpuMillisecondsTotal"),
            cpuPercent: try read("cpuPercent").map(UInt8.init),
            networkBytesPerSecond: try read("networkBytesPerSecond"))
    }

    static func decodeAnomaly(_ value: PolicyJSON, at path: String) throws(PolicyError) -> AnomalySettings {
        let members = try value.object(at: path)
        try members.rejectUnknownKeys(anomalyKeys, at: path)
        var settings = AnomalySettings()
        if let field = members["deviations"] {
            settings.deviations = try field.number(at: "\(path).deviations")
            guard settings.deviations > 0 else { throw PolicyError(.badValue, "must be greater than 0", at: "\(path).deviations") }
        }
        if let field = members["warmupSamples"] { settings.warmupSamples = Int(try field.integer(at: "\(path).warmupSamples", in: 2...1_000_000)) }
        if let field = members["growthSamples"] { settings.growthSamples = Int(try field.integer(at: "\(path).growthSamples", in: 2...1_000_000)) }
        if let field = members["minimumCPUMicroseconds"] {
            settings.minimumCPUMicroseconds = Double(try field.integer(at: "\(path).minimumCPUMicroseconds", in: 0...UInt64(UInt32.max)))
        }
        if let field = members["minimumRelativeDeviation"] {
            settings.minimumRelativeDeviation = try field.number(at: "\(path).minimumRelativeDeviation")
            guard (0...10).contains(settings.minimumRelativeDeviation) else {
                throw PolicyError(.badValue, "must be between 0 and 10 (a fraction of the mean)", at: "\(path).minimumRelativeDeviation")
            }
        }
        if let field = members["action"] {
            let name = try field.string(at: "\(path).action")
            guard let action = AnomalyAction(rawValue: name) else {
                throw PolicyError(.badValue, "unknown action '\(name)' (known: \(AnomalyAction.allCases.map(\.rawValue).joined(separator: ", ")))",
                                  at: "\(path).action")
            }
            settings.action = action
        }
        if let field = members["throttleRate"] { settings.throttleRate = UInt32(try field.integer(at: "\(path).throttleRate", in: 1...UInt64(UInt32.max))) }
        return settings
    }

    static func decodeViolations(_ value: PolicyJSON, at path: String) throws(PolicyError) -> ViolationSettings {
        let members = try value.object(at: path)
        try members.rejectUnknownKeys(violationKeys, at: path)
        var settings = ViolationSettings()
        if let field = members["windowSeconds"] {
            settings.windowSeconds = try field.number(at: "\(path).windowSeconds")
            guard settings.windowSeconds > 0 else { throw PolicyError(.badValue, "must be greater than 0", at: "\(path).windowSeconds") }
        }
        if let field = members["threshold"] { settings.threshold = Int(try field.integer(at: "\(path).threshold", in: 1...1_000_000_000)) }
        if let field = members["thresholds"] {
            for (name, count) in try field.object(at: "\(path).thresholds") {
                guard let kind = ViolationKind(rawValue: name) else {
                    throw PolicyError(.badValue, "unknown violation kind '\(name)' (known: \(ViolationKind.allCases.map(\.rawValue).joined(separator: ", ")))",
                                      at: "\(path).thresholds")
                }
                settings.thresholds[kind] = Int(try count.integer(at: "\(path).thresholds.\(name)", in: 1...1_000_000_000))
            }
        }
        return settings
    }

    static func encode(_ rule: PolicyRule) -> [String: Any] {
        var object: [String: Any] = [:]
        if !rule.allow.isEmpty { object["allow"] = rule.allow.sorted().map(\.rawValue) }
        if !rule.deny.isEmpty { object["deny"] = rule.deny.sorted().map(\.rawValue) }
        let quotas = encode(rule.quotas)
        if !quotas.isEmpty { object["quotas"] = quotas }
        if let anomaly = rule.anomaly {
            object["anomaly"] = [
                "deviations": anomaly.deviations, "warmupSamples": anomaly.warmupSamples, "growthSamples": anomaly.growthSamples,
                "minimumCPUMicroseconds": anomaly.minimumCPUMicroseconds,
                "minimumRelativeDeviation": anomaly.minimumRelativeDeviation, "action": anomaly.action.rawValue,
                "throttleRate": anomaly.throttleRate,
            ] as [String: Any]
        }
        if let violations = rule.violations {
            object["violations"] = [
                "windowSeconds": violations.windowSeconds, "threshold": violations.threshold,
                "thresholds": Dictionary(uniqueKeysWithValues: violations.thresholds.map { ($0.key.rawValue, $0.value) }),
            ] as [String: Any]
        }
        if let isolation = rule.isolation { object["isolation"] = isolation.rawValue }
        if let engine = rule.engine { object["engine"] = engine.rawValue }
        if !rule.requiredIsolationLayers.isEmpty { object["requiredIsolationLayers"] = rule.requiredIsolationLayers.sorted() }
        return object
    }

    static func encode(_ quotas: Quotas) -> [String: UInt64] {
        let values: [(String, UInt64?)] = [
            ("cpuMillisecondsPerCall", quotas.cpuMillisecondsPerCall), ("memoryBytes", quotas.memoryBytes),
            ("storageBytes", quotas.storageBytes), ("networkBytes", quotas.networkBytes),
            ("fileDescriptors", quotas.fileDescriptors.map(UInt64.init)),
            ("operationsPerSecond", quotas.operationsPerSecond.map(UInt64.init)),
            ("concurrency", quotas.concurrency.map(UInt64.init)), ("cpuMillisecondsTotal", quotas.cpuMillisecondsTotal),
            ("cpuPercent", quotas.cpuPercent.map(UInt64.init)),
            ("networkBytesPerSecond", quotas.networkBytesPerSecond),
        ]
        return Dictionary(uniqueKeysWithValues: values.compactMap { key, value in value.map { (key, $0) } })
    }
}
