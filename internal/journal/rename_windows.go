package journal

import "golang.org/x/sys/windows"

// rename moves a written entry to its final name. Windows refuses to
// flush a folder (FlushFileBuffers on a directory handle fails with
// "Access is denied"), so a durable rename is asked of the rename itself:
// MOVEFILE_WRITE_THROUGH returns only once the move is on the disk, which
// is what the folder's fsync gives elsewhere. It costs a flush of NTFS's
// log per send, as the fsync does on Unix.
func rename(from, to string, durable bool) error {
	src, err := windows.UTF16PtrFromString(from)
	if err != nil {
		return err
	}
	dst, err := windows.UTF16PtrFromString(to)
	if err != nil {
		return err
	}
	flags := uint32(windows.MOVEFILE_REPLACE_EXISTING)
	if durable {
		flags |= windows.MOVEFILE_WRITE_THROUGH
	}
	return windows.MoveFileEx(src, dst, flags)
}
