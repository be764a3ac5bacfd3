package server

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hulian/hulian/switch/journal"
)

func TestOriginalDataPadsInstitutionIDs(t *testing.T) {
	got := originalData("0200", "000123", "1126213400", "48020000", "99990000")
	assert.Equal(t, "0200"+"000123"+"1126213400"+"00048020000"+"00099990000", got)
	assert.Len(t, got, 42)
}

func TestReversalAdviceCarriesNoCardData(t *testing.T) {
	s := &Server{switchID: []byte("99990000")}
	rec := &journal.Record{Key: journal.Key{MTI: "0200", Acquirer: "48020000", STAN: "000123", TxTime: "1126213400"},
		PANMasked: "622202*********0000", Processing: "000000", Amount: 12345, Currency: "156", RRN: "123456789012"}
	var m = s.msgs.get()
	s.reversalAdvice(rec, reasonNoIssuerAnswer, m)
	assert.Equal(t, "0420", string(m.MTI()))
	assert.Equal(t, "000000012345", string(m.Field(4)))
	assert.Equal(t, "4021", string(m.Field(60)))
	assert.Equal(t, "99990000", string(m.Field(33)))
	for _, f := range sensitive {
		assert.False(t, m.Has(f), "field %d", f)
	}
}
