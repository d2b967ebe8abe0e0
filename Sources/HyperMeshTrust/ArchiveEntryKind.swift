/// The kinds of entry a `.hmx` archive may hold. Anything else (devices, FIFOs, sockets) is refused.
enum ArchiveEntryKind: Sendable, Equatable {
    case file
    case directory
    case symlink
}
