package load

import (
	"context"

	"github.com/hulian/hulian/iso8583/dialect"
)

// BuildForTest builds request i for connection conn as a Run worker would.
func BuildForTest(ctx context.Context, g *Generator, i, conn int, m *dialect.Message) (Type, error) {
	var info reqInfo
	err := g.newWorker().fill(ctx, i, conn, m, &info)
	return info.typ, err
}

// ApproveForTest tells g that request i (m, on conn) was approved, as Run
// does on a 00 answer, so that a later reversal can reverse it.
func ApproveForTest(g *Generator, i, conn int, m *dialect.Message) {
	w := g.newWorker()
	var info reqInfo
	var scratch dialect.Message
	_ = w.fill(context.Background(), i, conn, &scratch, &info)
	w.done(conn, &info, [2]byte{'0', '0'})
}
