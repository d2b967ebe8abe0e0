extension ManifestDecoder {
    /// `quotas`: an object with the keys of ``Quotas/jsonKeys``, each optional.
    ///
    /// Every value is a whole number within its Swift type, at least ``Quotas/minimumValue(forKey:)``
    /// and at most ``Quotas/maximumValue(forKey:)`` where there is one.
    static func decodeQuotas(_ field: JSONField) throws(ManifestError) -> Quotas {
        let object = try ObjectReader(field.value, at: field.path)
        try object.rejectUnknownKeys(allowed: Quotas.jsonKeys)
        var quotas = Quotas()
        quotas.cpuMillisecondsPerCall = try quota("cpuMillisecondsPerCall", in: object, as: UInt64.self)
        quotas.memoryBytes = try quota("memoryBytes", in: object, as: UInt64.self)
        quotas.storageBytes = try quota("storageBytes", in: object, as: UInt64.self)
        quotas.networkBytes = try quota("networkBytes", in: object, as: UInt64.self)
        quotas.fileDescriptors = try quota("fileDescriptors", in: object, as: UInt32.self)
        quotas.operationsPerSecond = try quota("operationsPerSecond", in: object, as: UInt32.self)
        quotas.concurrency = try quota("concurrency", in: object, as: UInt32.self)
        quotas.cpuMillisecondsTotal = try quota("cpuMillisecondsTotal", in: object, as: UInt64.self)
        quotas.cpuPercent = try quota("cpuPercent", in: object, as: UInt8.self)
        quotas.networkBytesPerSecond = try quota("networkBytesPerSecond", in: object, as: UInt64.self)
        return quotas
    }

    private static func quota<Value: FixedWidthInteger & UnsignedInteger>(
        _ key: String, in object: ObjectReader, as type: Value.Type
    ) throws(ManifestError) -> Value? {
        guard let field = object.optional(key) else { return nil }
        let minimum = Quotas.minimumValue(forKey: key)
        let maximum = min(UInt64(Value.max), Quotas.maximumValue(forKey: key) ?? .max)
        let hint = minimum == 0
            ? "\(key) must be an integer from 0 to \(maximum)"
            : "\(key) must be an integer from \(minimum) to \(maximum) (0 would make the extension unusable; leave the key out for the host default)"
        let value = try field.value.expectUnsignedInteger(
            at: field.path, in: minimum...maximum, outOfRange: .badQuota, rangeHint: hint)
        return Value(value)
    }
}
