import HyperMeshExtensions
import Testing

/// Refused asset requests come back through the host as `call.method_failed`, with the Catalog's
/// status in the message and its explanation in the cause; nothing is stored.
@Suite struct AssetErrorTests {
    @Test func addingAnExistingVersionIsAConflictEvenWithOtherBuildMetadata() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(name: "readme", version: "1.0.0", content: "original"))
        for version in ["1.0.0", "1.0.0+rebuild"] {
            let error = try await host.failure("add", NewAsset(name: "readme", version: version, content: "other"))
            expectMethodFailure(error, status: "CONFLICT", mentions: ["document/readme@1.0.0", "already exists"])
        }
        let stored = try await host.call("get", AssetQuery(type: "document", name: "readme"), as: AssetView.self)
        #expect(stored.content == "original")
        #expect(try await host.listAll().count == 1)
    }

    @Test func missingAssetsAreNotFound() async throws {
        let host = try await CatalogHost.start()
        try await host.add(NewAsset(name: "present", version: "1.0.0"))
        expectMethodFailure(try await host.failure("get", AssetQuery(type: "document", name: "absent")),
                            status: "NOT_FOUND", mentions: ["document/absent"])
        expectMethodFailure(try await host.failure("get", AssetQuery(type: "document", name: "present", version: "2.0.0")),
                            status: "NOT_FOUND", mentions: ["document/present@2.0.0"])
        // Same name, other type: a different asset.
        expectMethodFailure(try await host.failure("get", AssetQuery(type: "binary", name: "present")),
                            status: "NOT_FOUND", mentions: ["binary/present"])
        expectMethodFailure(try await host.failure("remove", AssetQuery(type: "document", name: "absent", version: "1.0.0")),
                            status: "NOT_FOUND", mentions: ["document/absent@1.0.0"])
    }

    @Test func anUnknownTypeListsTheKnownTypes() async throws {
        let host = try await CatalogHost.start()
        let known = "binary, configuration, document, wasm-module"
        expectMethodFailure(try await host.failure("add", NewAsset(type: "spreadsheet", name: "sheet")),
                            status: "INVALID_ARGUMENT", mentions: ["unknown asset type 'spreadsheet'", known])
        expectMethodFailure(await host.failure("list", #"{"type":"Document"}"#),
                            status: "INVALID_ARGUMENT", mentions: ["'Document'", known])
        expectMethodFailure(try await host.failure("get", AssetQuery(type: "catalog.document", name: "x")),
                            status: "INVALID_ARGUMENT", mentions: ["'catalog.document'", known])
    }

    @Test func inputThatIsNotJSONIsAnInvalidArgument() async throws {
        let host = try await CatalogHost.start()
        for input in [#"{"type":"document","name":"x""#, "not json", "[1, 2]"] {
            let error = await host.failure("add", input)
            expectMethodFailure(error, status: "INVALID_ARGUMENT", mentions: ["invalid input for 'add'"])
        }
        expectMethodFailure(await host.failure("add", "{oops}"), status: "INVALID_ARGUMENT", mentions: ["not valid JSON"])
    }

    @Test func anUnknownFieldIsNamedWithTheKnownFields() async throws {
        let host = try await CatalogHost.start()
        let misspelt = #"{"type":"document","name":"x","verison":"1.0.0","version":"1.0.0","content":"c"}"#
        expectMethodFailure(await host.failure("add", misspelt), status: "INVALID_ARGUMENT",
                            mentions: ["'verison'", "unknown field", "content, encoding, name, tags, type, version"])
        expectMethodFailure(await host.failure("search", #"{"name":"x"}"#), status: "INVALID_ARGUMENT",
                            mentions: ["'name'", "query, tag, type"])
        #expect(try await host.listAll().isEmpty)
    }

    @Test func missingAndMistypedFieldsAreNamed() async throws {
        let host = try await CatalogHost.start()
        expectMethodFailure(await host.failure("add", #"{"type":"document","name":"x","version":"1.0.0"}"#),
                            status: "INVALID_ARGUMENT", mentions: ["missing field 'content'"])
        expectMethodFailure(await host.failure("add", #"{"type":"document","name":"x","version":"1.0.0","content":"c","tags":"ops"}"#),
                            status: "INVALID_ARGUMENT", mentions: ["field 'tags' must be an array"])
    }

    @Test func badBase64IsRefusedNamingTheContentField() async throws {
        let host = try await CatalogHost.start()
        for content in ["not base64!", "AQI", "AQID\n"] {
            let error = try await host.failure("add", NewAsset(type: "binary", name: "blob", content: content, encoding: "base64"))
            expectMethodFailure(error, status: "INVALID_ARGUMENT", mentions: ["'content'", "Base64"])
        }
        let error = try await host.failure("add", NewAsset(type: "binary", name: "blob", content: "AQID", encoding: "hex"))
        expectMethodFailure(error, status: "INVALID_ARGUMENT", mentions: ["'encoding'", "utf8, base64", "'hex'"])
        #expect(try await host.listAll().isEmpty)
    }

    @Test(arguments: [
        ("1.0", "MAJOR.MINOR.PATCH"),
        ("v1.0.0", "MAJOR.MINOR.PATCH"),
        ("01.0.0", "leading zeros"),
        ("1.0.0-01", "leading zeros"),
        ("1.0.0-", "pre-release"),
        ("1.0.0+", "build metadata"),
        ("1.0.0-a..b", "pre-release"),
        ("99999999999999999999.0.0", "too large"),
    ])
    func badSemanticVersionsAreRefusedWithTheReason(version: String, reason: String) async throws {
        let host = try await CatalogHost.start()
        let error = try await host.failure("add", NewAsset(name: "doc", version: version))
        expectMethodFailure(error, status: "INVALID_ARGUMENT", mentions: ["'version' is not a semantic version ('\(version)')", reason])
    }

    @Test func badNamesAndTagsAreRefused() async throws {
        let host = try await CatalogHost.start()
        for name in ["", ".hidden", "a/b", "a@b", "ünïcode", String(repeating: "n", count: 129)] {
            let error = try await host.failure("add", NewAsset(name: name))
            expectMethodFailure(error, status: "INVALID_ARGUMENT", mentions: ["'name' must be 1 to 128 characters"])
        }
        for tags in [[""], ["bad\u{7}tag"], [String(repeating: "t", count: 65)], (0..<33).map { "tag\($0)" }] {
            let error = try await host.failure("add", NewAsset(name: "tagged", tags: tags))
            expectMethodFailure(error, status: "INVALID_ARGUMENT", mentions: ["'tags'"])
        }
        #expect(try await host.listAll().isEmpty)
    }

    @Test func anUnknownMethodListsTheKnownMethods() async throws {
        let host = try await CatalogHost.start()
        expectMethodFailure(await host.failure("delete", "{}"), status: "UNKNOWN_METHOD",
                            mentions: ["'delete'", "add, execute, get, install, list, packages, remove, rollback, search, uninstall, update"])
    }
}
