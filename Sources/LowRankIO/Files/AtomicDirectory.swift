#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Output checks and whole-folder atomic output.
extension AtomicFile {
    /// Throws unless a file can be written at `path`: its folder exists and is writable, and `path` is absent or a
    /// writable regular file (never a folder, device, FIFO or socket). Call it before a long computation so that an
    /// unusable output path is reported first.
    public static func checkTarget(_ path: String) throws(FileWriteError) {
        if let problem = fileTargetProblem(path) { throw FileWriteError(path: path, reason: problem) }
    }
}

/// A folder of output files that appears whole or not at all.
///
/// The files are written into a fresh temporary folder next to the target, a marker file ``markerName`` is added,
/// and the folder is renamed into place. A target that already exists is replaced only when it is an earlier output
/// (it holds the marker) or an empty folder; anything else is refused, so user data is never overwritten. After a
/// failure the target is unchanged and the temporary folder is removed.
public enum AtomicDirectory {
    /// The marker file that identifies an earlier output folder.
    public static let markerName = ".lowrank-output"

    /// Throws unless `path` may receive an output folder: absent with an existing parent folder, an empty folder,
    /// or an earlier output (holding ``markerName``).
    public static func checkTarget(_ path: String) throws(FileWriteError) {
        guard !path.isEmpty else { throw FileWriteError(path: path, reason: "empty path") }
        switch DirectorySeam.kind(path) {
        case nil:
            let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
            if let problem = fileTargetProblem(trimmed) { throw FileWriteError(path: path, reason: problem) }
        case S_IFDIR?:
            guard let names = DirectorySeam.entries(path) else {
                throw FileWriteError(path: path, reason: "cannot read the folder")
            }
            if names.isEmpty || names.contains(markerName) { return }
            throw FileWriteError(path: path, reason: "exists and is not an earlier lowrank output (no \(markerName)); "
                                    + "refusing to replace it")
        default:
            throw FileWriteError(path: path, reason: "exists and is not a folder; refusing to replace it")
        }
    }

    /// `true` when `a` and `b` name the same existing object, or `b` lies inside the folder `a`.
    public static func contains(_ a: String, _ b: String) -> Bool {
        guard let ca = DirectorySeam.canonical(a), let cb = DirectorySeam.canonical(b) else { return false }
        return ca == cb || cb.hasPrefix(ca.hasSuffix("/") ? ca : ca + "/")
    }

    /// Writes a folder at `path`: `body` receives a temporary folder to fill with regular files; then the marker is
    /// added and the folder moved into place (replacing an earlier output). Throws ``FileWriteError`` for a
    /// refused target, and rethrows `body`'s errors, in both cases leaving `path` as it was.
    public static func write(to path: String, _ body: (String) throws -> Void) throws {
        try checkTarget(path)
        let made = DirectorySeam.makeTemporarySibling(of: path)
        guard let temporary = made.path else { throw FileWriteError(path: path, reason: made.error ?? "cannot create a folder") }
        do {
            try body(temporary)
            try AtomicFile.write(Array("written by lowrank; this folder may be replaced by a later run\n".utf8),
                                 to: temporary + "/" + markerName)
            let target = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
            if DirectorySeam.kind(target) != nil {
                let backup = temporary + ".old"
                if let reason = DirectorySeam.move(target, backup) { throw FileWriteError(path: path, reason: reason) }
                if let reason = DirectorySeam.move(temporary, target) {
                    _ = DirectorySeam.move(backup, target)
                    throw FileWriteError(path: path, reason: reason)
                }
                DirectorySeam.removeFlat(backup)
            } else if let reason = DirectorySeam.move(temporary, target) {
                throw FileWriteError(path: path, reason: reason)
            }
        } catch {
            DirectorySeam.removeFlat(temporary)
            throw error
        }
    }
}
