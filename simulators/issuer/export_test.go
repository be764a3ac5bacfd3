package issuer

import (
	"context"
	"time"

	"github.com/hulian/hulian/iso8583/dialect"
)

// TestAnswer is the outcome of AuthorizeForTest.
type TestAnswer struct {
	Code string
	ICC  []byte
}

// AuthorizeForTest decides one request built by build against acc, without
// a network (fuzz targets).
func AuthorizeForTest(acc *Accounts, now func() time.Time, build func(m *dialect.Message)) TestAnswer {
	z := &authorizer{acc: acc, now: now, j: newJournal(), log: discardLogger()}
	var m dialect.Message
	build(&m)
	a := z.decide(context.Background(), &m)
	return TestAnswer{Code: a.code, ICC: a.icc}
}
