package tokenstore

// This file deletes expired rows: Cleanup and RunCleanup.

import (
	"context"
	"fmt"
	"time"
)

// Cleanup deletes the rows created more than olderThan ago (0 means
// DefaultCleanupAge, 7 days) that have expired, and the refresh
// bookkeeping and the shared tokens (Update) of the same age. It returns
// the number of token rows deleted.
func (s *Store) Cleanup(ctx context.Context, olderThan time.Duration) (int64, error) {
	if olderThan <= 0 {
		olderThan = DefaultCleanupAge
	}
	now := s.now()
	cut := now.Add(-olderThan).UnixMilli()
	res, err := s.db.ExecContext(ctx, s.q(`DELETE FROM tokenstore_tokens WHERE created_at < $1 AND expires_at <= $2`), cut, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("tokenstore: cleanup: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM tokenstore_successors WHERE created_at < $1`), cut); err != nil {
		return n, fmt.Errorf("tokenstore: cleanup: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, s.q(`DELETE FROM tokenstore_shared WHERE updated_at < $1 AND expires_at <= $2`), cut, now.UnixMilli()); err != nil {
		return n, fmt.Errorf("tokenstore: cleanup: %w", err)
	}
	return n, nil
}

// RunCleanup runs Cleanup(ctx, olderThan) now and then every `every` (0
// means daily) until ctx ends; failures are logged and retried at the next
// run. Start it in its own goroutine.
func (s *Store) RunCleanup(ctx context.Context, every, olderThan time.Duration) {
	if every <= 0 {
		every = DefaultCleanupEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.Cleanup(ctx, olderThan)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.WarnContext(ctx, "tokenstore: cleanup failed", "error", err.Error())
		} else {
			s.log.DebugContext(ctx, "tokenstore: cleanup", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
