/// How far a blob transfer has got: reported after each chunk written or sent. `completedBytes`
/// can go back to zero when a registry ignores a resume request and the download starts over.
public struct TransferProgress: Sendable {
    public var digest: OCIDigest
    public var completedBytes: Int64
    public var totalBytes: Int64

    public init(digest: OCIDigest, completedBytes: Int64, totalBytes: Int64) {
        self.digest = digest
        self.completedBytes = completedBytes
        self.totalBytes = totalBytes
    }
}
