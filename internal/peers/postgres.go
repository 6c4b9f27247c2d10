package peers

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresServer is a throwaway PostgreSQL server in a temporary directory,
// listening on 127.0.0.1 with trust authentication for user postgres and
// password (scram-sha-256) authentication for every other role.
type PostgresServer struct {
	// Port is the loopback port it listens on.
	Port int
	// Dir is the temporary directory (data directory, socket, log).
	Dir string

	bin    string
	asUser *user.User
}

var (
	pgShared  atomic.Bool
	pgMu      sync.Mutex
	pgServer  *PostgresServer
	pgErr     error
	pgDBCount atomic.Int64
)

// PostgresMain runs the tests of a package with one PostgreSQL server shared
// by every Postgres call of the test binary, and stops it after the tests:
//
//	func TestMain(m *testing.M) { os.Exit(peers.PostgresMain(m)) }
//
// Without it each Postgres call starts its own server and stops it when
// its test ends.
func PostgresMain(m *testing.M) int {
	pgShared.Store(true)
	code := m.Run()
	StopPostgres()
	return code
}

// StopPostgres stops the shared server, if one was started.
func StopPostgres() {
	pgMu.Lock()
	defer pgMu.Unlock()
	if pgServer != nil {
		pgServer.Stop()
		pgServer = nil
	}
}

// Postgres returns the DSN (postgres://postgres@127.0.0.1:<port>/<db>) of a
// new, empty database on a throwaway PostgreSQL server. The server is found
// under /usr/lib/postgresql/*/bin (Debian's postgresql package) or on PATH;
// as root it runs as the postgres user (runuser). When PostgreSQL is not
// installed the test is skipped (failed under CI=true).
func Postgres(tb testing.TB) string {
	tb.Helper()
	bin, err := postgresBin()
	if err != nil {
		Unavailable(tb, "%v", err)
	}
	var srv *PostgresServer
	if pgShared.Load() {
		pgMu.Lock()
		if pgServer == nil && pgErr == nil {
			pgServer, pgErr = StartPostgres(bin)
		}
		srv, err = pgServer, pgErr
		pgMu.Unlock()
	} else {
		srv, err = StartPostgres(bin)
		if srv != nil {
			tb.Cleanup(srv.Stop)
		}
	}
	if err != nil {
		tb.Fatalf("starting PostgreSQL: %v", err)
	}
	dsn, err := srv.CreateDatabase(context.Background(), fmt.Sprintf("idsdk_test_%d_%d", os.Getpid(), pgDBCount.Add(1)))
	if err != nil {
		tb.Fatalf("PostgreSQL: %v", err)
	}
	return dsn
}

// postgresBin finds the directory holding initdb and pg_ctl: the newest
// /usr/lib/postgresql/<version>/bin, else PATH.
func postgresBin() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if isFile(filepath.Join(d, "initdb")) && isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		d := filepath.Dir(p)
		if isFile(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", errors.New("PostgreSQL is not installed: no initdb and pg_ctl under /usr/lib/postgresql/*/bin or on PATH (apt-get install postgresql)")
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir()
}

// StartPostgres initializes a data directory in a new temporary directory
// and starts a server from bin (the directory of initdb and pg_ctl) on a
// free loopback port. Call Stop to end it and remove the directory.
func StartPostgres(bin string) (*PostgresServer, error) {
	dir, err := os.MkdirTemp("", "idsdk-pg-")
	if err != nil {
		return nil, err
	}
	s := &PostgresServer{Dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root needs a postgres user to run the server as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		s.asUser = u
	}
	data := filepath.Join(dir, "data")
	if out, err := s.run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %w\n%s", err, out)
	}
	if err := passwordAuth(data); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			lastErr = err
			continue
		}
		opts := fmt.Sprintf("-k %s -h 127.0.0.1 -p %d -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", dir, port)
		out, err := s.run("pg_ctl", "-D", data, "-l", filepath.Join(dir, "server.log"), "-w", "-t", "60", "-o", opts, "start")
		if err != nil {
			log, _ := os.ReadFile(filepath.Join(dir, "server.log"))
			lastErr = fmt.Errorf("pg_ctl start: %w\n%s\n%s", err, out, log)
			continue
		}
		s.Port = port
		if err := s.waitReady(30 * time.Second); err != nil {
			s.Stop()
			return nil, err
		}
		return s, nil
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

// passwordAuth puts two rules before initdb's in pg_hba.conf: user
// postgres is trusted on loopback, every other role gives its password,
// so that tests can see a refused password.
func passwordAuth(data string) error {
	path := filepath.Join(data, "pg_hba.conf")
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	rules := "host all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
	return os.WriteFile(path, append([]byte(rules), old...), 0o600) // keeps the file's owner
}

// freePort is FreePort without a testing.TB.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run runs a PostgreSQL program from bin, as the postgres user when root,
// with its output in a file (pg_ctl leaves the server running, which would
// keep an output pipe open).
func (s *PostgresServer) run(name string, args ...string) (string, error) {
	prog := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.asUser != nil {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", prog}, args...)...)
	} else {
		cmd = exec.Command(prog, args...)
	}
	cmd.Dir = s.Dir
	out, err := os.CreateTemp("", "idsdk-pg-out-")
	if err != nil {
		return "", err
	}
	defer os.Remove(out.Name())
	defer out.Close()
	cmd.Stdout = out
	cmd.Stderr = out
	err = cmd.Run()
	b, _ := os.ReadFile(out.Name())
	return string(b), err
}

// AdminDSN is the DSN of the server's postgres database.
func (s *PostgresServer) AdminDSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.Port)
}

func (s *PostgresServer) waitReady(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, s.AdminDSN())
		if err == nil {
			err = conn.Ping(ctx)
			conn.Close(ctx)
		}
		cancel()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(s.Dir, "server.log"))
			return fmt.Errorf("PostgreSQL did not accept connections in %s: %w\n%s", timeout, err, log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// CreateDatabase creates database name and returns its DSN.
func (s *PostgresServer) CreateDatabase(ctx context.Context, name string) (string, error) {
	conn, err := pgx.Connect(ctx, s.AdminDSN())
	if err != nil {
		return "", fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", s.Port, name), nil
}

// Stop stops the server (fast shutdown) and removes its directory.
func (s *PostgresServer) Stop() {
	if s == nil || s.Dir == "" {
		return
	}
	if s.Port != 0 {
		_, _ = s.run("pg_ctl", "-D", filepath.Join(s.Dir, "data"), "-m", "fast", "-w", "-t", "30", "stop")
	}
	_ = os.RemoveAll(s.Dir)
	s.Dir = ""
}
