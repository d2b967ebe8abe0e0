import HyperMeshRegistry
import Testing

/// Where a registry's `Location` header may send the client (redirects, upload sessions).
@Suite struct RedirectLocationTests {
    static let base = "https://registry.example:5000/v2/org/example/catalog/tags/list?n=10"

    @Test("A relative location resolves against the request's URL; an absolute http(s) one is kept")
    func httpLocations() {
        #expect(RegistryClient.resolve("/v2/org/example/catalog/blobs/uploads/1", against: Self.base)
            == "https://registry.example:5000/v2/org/example/catalog/blobs/uploads/1")
        #expect(RegistryClient.resolve("https://blobs.example/x?sig=1", against: Self.base) == "https://blobs.example/x?sig=1")
        #expect(RegistryClient.resolve("HTTP://blobs.example/x", against: Self.base) == "HTTP://blobs.example/x")
    }

    @Test("A location of another scheme (file:, ftp:, a typo) is not followed", arguments: [
        "file:///etc/passwd", "ftp://blobs.example/x", "htspt://blobs.example/x?sig=1", "javascript:alert(1)",
    ])
    func otherSchemes(location: String) {
        #expect(RegistryClient.resolve(location, against: Self.base) == nil)
    }
}
