package tokenstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// migration is one numbered schema step.
type migration struct {
	version    int
	name       string
	statements []string
}

// migrations reads the steps of one backend ("sqlite" or "postgres"),
// files named <version>_<name>.sql, in version order.
func migrations(kind string) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations/"+kind)
	if err != nil {
		return nil, fmt.Errorf("tokenstore: migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("tokenstore: migration file %q is not named <version>_<name>.sql", name)
		}
		b, err := migrationFS.ReadFile("migrations/" + kind + "/" + name)
		if err != nil {
			return nil, fmt.Errorf("tokenstore: migrations: %w", err)
		}
		out = append(out, migration{version: v, name: name, statements: splitSQL(string(b))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("tokenstore: two migrations with version %d", out[i].version)
		}
	}
	return out, nil
}

// splitSQL cuts a script into statements at semicolons that end a line,
// dropping comment lines.
func splitSQL(script string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(script, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// migrate applies the steps not yet recorded in tokenstore_migrations, in
// one transaction. On PostgreSQL an advisory lock makes processes that open
// the store at the same time apply them once; on SQLite the transaction
// takes the write lock at once (_txlock=immediate).
func (s *Store) migrate(ctx context.Context) error {
	steps, err := migrations(s.kind)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("tokenstore: migrate: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if s.kind == kindPostgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7220811413)`); err != nil {
			return fmt.Errorf("tokenstore: migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS tokenstore_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("tokenstore: migrate: %w", err)
	}
	applied := map[int]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM tokenstore_migrations`)
	if err != nil {
		return fmt.Errorf("tokenstore: migrate: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("tokenstore: migrate: %w", err)
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("tokenstore: migrate: %w", err)
	}
	for _, m := range steps {
		if applied[m.version] {
			continue
		}
		for _, stmt := range m.statements {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("tokenstore: migration %s: %w", m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO tokenstore_migrations (version, name, applied_at) VALUES ($1, $2, $3)`),
			m.version, m.name, s.now().UnixMilli()); err != nil {
			return fmt.Errorf("tokenstore: migration %s: %w", m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("tokenstore: migrate: %w", err)
	}
	return nil
}

// SchemaVersion is the highest migration version applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM tokenstore_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("tokenstore: schema version: %w", err)
	}
	return int(v.Int64), nil
}
