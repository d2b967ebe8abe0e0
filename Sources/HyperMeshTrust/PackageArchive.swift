import Foundation

/// The `.hmx` package archive: a package folder (`extension.json`, the payload, optionally
/// `extension.sig`) as one ZIP file, for transport. An archive holds only folders, regular files
/// (deflated) and symlinks that stay inside the package.
///
/// Unpacking treats the archive as hostile: see `unpack(_:into:limits:)`. It does not verify the
/// package itself: run `PackageFiles.verify` on the unpacked folder (and check the signature)
/// before using it.
public enum PackageArchive {
    /// The file extension of package archives (without the dot).
    public static let fileExtension = "hmx"

    /// Packs every folder, regular file and symlink of `directory` into a new archive at `archive`,
    /// in sorted path order with fixed timestamps and modes (0644, or 0755 for executable files),
    /// so the same folder always gives the same bytes (with the same deflate implementation).
    ///
    /// Refused before anything is written: other kinds of item (`archive.unsupported_entry`),
    /// symlinks whose target is absolute or leaves the folder (`archive.link_escapes`), names the
    /// archive rules refuse (`archive.invalid_path`, `archive.duplicate_entry` for names equal but
    /// for letter case), and folders that `unpack` with the same `limits` would refuse
    /// (`archive.too_many_entries`, `archive.entry_too_large`, `archive.too_large`; the format
    /// also caps 65,535 entries and 2 GiB of files). `archive` must not exist
    /// (`archive.destination_exists`); on any error no archive is left behind.
    ///
    /// `progress` is called on the calling thread after each entry is written (default: nothing);
    /// a large file is reported once, when it is complete.
    public static func pack(_ directory: URL, to archive: URL, limits: ArchiveLimits = .standard,
                            progress: (PackProgress) -> Void = { _ in }) throws(ArchiveError) {
        try ArchivePacker.pack(directory, to: archive, limits: limits, progress: progress)
    }

    /// Unpacks `archive` into `destination`, which must not exist or be an empty folder (not a
    /// symlink; else `archive.destination_exists`), and whose parent folder must exist. The
    /// entries are written into a hidden folder beside `destination`, renamed onto it once
    /// complete: on any error nothing is left behind and `destination` is as it was (absent, or
    /// the same empty folder). Failing reads or writes are `archive.io`.
    ///
    /// Refused, each with its own code and the entry named: a truncated or damaged archive, CRC-32
    /// or size mismatches, deflate data that does not end (`archive.malformed`); ZIP64 or
    /// multi-disk archives (`archive.unsupported_format`); devices, FIFOs, sockets, encrypted
    /// entries, other compressions (`archive.unsupported_entry`); absolute names and `..`
    /// (`archive.path_escapes`); empty or `.` components, backslashes, control characters
    /// (`archive.invalid_path`); entries below a symlink entry (`archive.path_through_link`);
    /// symlinks that are absolute, climb out or pass through another symlink
    /// (`archive.link_escapes`); the same path twice, ignoring case and Unicode normalization, or
    /// a file where a folder is needed (`archive.duplicate_entry`); more than `limits.maxEntries`
    /// entries (`archive.too_many_entries`); a file over `limits.maxEntryBytes`
    /// (`archive.entry_too_large`) or files over `limits.maxTotalBytes` together
    /// (`archive.too_large`), from the headers before anything is written; and while extracting,
    /// a file that produces more bytes than its header declares (`archive.malformed`, at the
    /// first chunk past it), so the limits hold for the bytes actually written. Symlinks inside
    /// the package are recreated; nothing is ever written through one. Not restored: timestamps, owners, modes beyond the executable bit.
    public static func unpack(_ archive: URL, into destination: URL, limits: ArchiveLimits = .standard) throws(ArchiveError) {
        try ArchiveUnpacker.unpack(archive, into: destination, limits: limits)
    }
}
