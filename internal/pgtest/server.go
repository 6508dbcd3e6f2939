//go:build linux

package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// port only names the socket file (.s.PGSQL.<port>): the server listens on
// no TCP port, and its socket folder is private to it.
const port = 5432

// superuser is the role initdb creates and tests connect as.
const superuser = "postgres"

// Server is a PostgreSQL server running from a temporary folder.
type Server struct {
	dir       string
	socketDir string
	cmd       *exec.Cmd
	exited    chan struct{}
	waitErr   error
	logPath   string
}

// Start initialises a cluster in a new temporary folder and starts a
// server on it. As root it runs PostgreSQL (which refuses to run as root)
// as the postgres user, or nobody. The server gets SIGQUIT, PostgreSQL's
// immediate shutdown, if this process dies without calling Stop.
func Start(ctx context.Context) (*Server, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	cred, err := credential()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "pgtest-")
	if err != nil {
		return nil, err
	}
	s := &Server{
		dir:       dir,
		socketDir: filepath.Join(dir, "s"),
		logPath:   filepath.Join(dir, "postgres.log"),
		exited:    make(chan struct{}),
	}
	if err := s.start(ctx, bin, cred); err != nil {
		if s.cmd != nil && s.cmd.Process != nil {
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	return s, nil
}

func (s *Server) start(ctx context.Context, bin string, cred *syscall.Credential) error {
	data := filepath.Join(s.dir, "data")
	if err := os.Mkdir(s.socketDir, 0o755); err != nil {
		return err
	}
	if cred != nil {
		for _, p := range []string{s.dir, s.socketDir} {
			if err := os.Chown(p, int(cred.Uid), int(cred.Gid)); err != nil {
				return err
			}
		}
	}

	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"),
		"-D", data, "-U", superuser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Env = childEnv()
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out)
	}

	logFile, err := os.Create(s.logPath)
	if err != nil {
		return err
	}
	defer func() { _ = logFile.Close() }()
	// postgres runs as a direct child rather than through pg_ctl, which
	// would detach it: as a child it gets SIGQUIT (Pdeathsig) when the test
	// binary dies, so a crashed or timed-out test run leaves no server
	// behind. pg_isready then tells when it accepts connections.
	//
	// The test server trades durability for speed: its data is thrown
	// away, and crashes of the processes under test do not touch it.
	s.cmd = exec.Command(filepath.Join(bin, "postgres"),
		"-D", data,
		"-k", s.socketDir,
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=",
		"-c", "fsync=off",
		"-c", "synchronous_commit=off",
		"-c", "full_page_writes=off",
		"-c", "max_connections=300",
		"-c", "dynamic_shared_memory_type=mmap",
		"-c", "shared_buffers=32MB",
	)
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	s.cmd.Env = childEnv()
	s.cmd.Stdout = logFile
	s.cmd.Stderr = logFile
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.exited)
	}()
	return s.waitReady(ctx, bin)
}

// waitReady polls pg_isready until the server accepts connections.
func (s *Server) waitReady(ctx context.Context, bin string) error {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	for {
		check := exec.CommandContext(ctx, filepath.Join(bin, "pg_isready"),
			"-q", "-h", s.socketDir, "-p", strconv.Itoa(port), "-U", superuser)
		if check.Run() == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("postgres exited: %v\n%s", s.waitErr, s.logTail())
		case <-ctx.Done():
			return fmt.Errorf("postgres did not become ready: %w\n%s", ctx.Err(), s.logTail())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// DSN returns the URL of a database on this server.
func (s *Server) DSN(database string) string {
	q := url.Values{}
	q.Set("host", s.socketDir)
	q.Set("port", strconv.Itoa(port))
	q.Set("sslmode", "disable")
	return "postgres://" + superuser + "@/" + url.PathEscape(database) + "?" + q.Encode()
}

// Stop shuts the server down (fast shutdown: sessions are ended) and
// removes its folder.
func (s *Server) Stop() error {
	var err error
	if s.cmd != nil && s.cmd.Process != nil {
		if sigErr := s.cmd.Process.Signal(syscall.SIGINT); sigErr == nil {
			select {
			case <-s.exited:
			case <-time.After(30 * time.Second):
				err = errors.New("postgres did not stop within 30s; killed")
				_ = s.cmd.Process.Kill()
				<-s.exited
			}
		}
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

func (s *Server) logTail() string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(bytes.TrimSpace(b))
}

// credential returns whom to run PostgreSQL as: nil (this process's user)
// unless this process is root, then postgres or else nobody.
func credential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err := strconv.ParseUint(u.Uid, 10, 32)
		if err != nil {
			continue
		}
		gid, err := strconv.ParseUint(u.Gid, 10, 32)
		if err != nil {
			continue
		}
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
	}
	return nil, errors.New("running as root and neither user postgres nor nobody exists to run PostgreSQL as")
}

// childEnv is a minimal environment for PostgreSQL's programs, free of
// PG* variables that would redirect them.
func childEnv() []string {
	return []string{"PATH=/usr/bin:/bin", "LC_ALL=C", "TZ=UTC"}
}
