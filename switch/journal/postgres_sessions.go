package journal

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Sessions of an earlier process (PostgreSQL). A switch killed while a
// group commit was on its way leaves a database session that still carries
// it out: the server runs what it has received, COMMIT included, before it
// notices that the client is gone. A restarted node that listed its open
// records before that commit landed would time out and reverse
// transactions the commit is about to answer, would miss requests it
// inserts, and would answer an acquirer's reversal advice for such a
// request "no original" (the SIGKILL crash tests saw each). So every
// connection of a journal names itself in application_name after its
// schema and node (an identity, pgIdentitySQL) plus a token of its own,
// and AwaitPrevious waits until no other session with the same identity is
// left. Waiting for such sessions to be idle is not enough: a session
// whose client died with statements still in the socket's buffer shows
// idle until the server reads them. A dead client's sessions end as soon
// as the server has run what it received; sessions that stay belong to a
// live process running as the same node, which is refused.
const (
	// pgIdentitySQL is the first 20 characters of the application_name of
	// node $1's sessions in the current schema (SHA-256: md5() fails on a
	// server in FIPS mode).
	pgIdentitySQL = `('hulian ' || left(encode(sha256(convert_to(` +
		`length(current_schema()) || ':' || current_schema() || $1::text, 'UTF8')), 'hex'), 12) || ' ')`
	// pgNameSQL names this session: identity, token ($2), then the node
	// for people reading pg_stat_activity (the server cuts names at 63
	// bytes).
	pgNameSQL = `SELECT set_config('application_name', ` + pgIdentitySQL + ` || $2::text || ' ' || $1::text, false)`
	// pgOthersSQL counts the sessions of node $1 in this database that
	// are not this journal's (token $2).
	pgOthersSQL = `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database()
		AND left(application_name, 20) = ` + pgIdentitySQL + `
		AND substr(application_name, 21, 16) <> $2::text`
)

// pgSessionToken returns a fresh token: 16 hex digits.
func pgSessionToken() (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("journal: postgres: session token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// nameSession is the pool's AfterConnect: it names the new connection.
func (s *pgStore) nameSession(ctx context.Context, c *pgx.Conn) error {
	_, err := c.Exec(ctx, pgNameSQL, s.node, s.token)
	return err
}

// awaitPrevious polls until no other session of this node is left, or
// ctx ends.
func (s *pgStore) awaitPrevious(ctx context.Context) error {
	for {
		var others int64
		err := s.pool.QueryRow(ctx, pgOthersSQL, s.node, s.token).Scan(&others)
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("database sessions of another process of node %q still open "+
				"(is another process running as this node?): %w", s.node, ctx.Err())
		case err != nil:
			return err
		case others == 0:
			return nil
		}
		t := time.NewTimer(10 * time.Millisecond)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
}
