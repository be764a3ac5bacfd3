package journal

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
)

// The SQLite backend's write-ahead log (table txlog) stores, per group
// commit, the after-image of every record the group changed. A row is:
//
//	version (1 byte, logVersion) | uvarint image count | images | CRC-32C (4 bytes, big endian)
//
// where the CRC covers everything before it. An image is the record's ID
// (varint), its text fields (uvarint length + bytes, in imageTexts order),
// then amount, received, responded and original ID (varints). Rows are
// decoded from the database, so the decoder checks every bound and returns
// ErrCorrupt instead of panicking.

// logVersion is the only row format this code writes and reads.
const logVersion = 1

// maxLogImages bounds the images of one row (a group commit changes at most
// MaxBatch records, plus the records touched by SAF operations).
const maxLogImages = 1 << 16

// imageSizeHint is the room reserved per image when a row is built (a
// typical image is about 270 bytes): enough that the row is allocated once.
const imageSizeHint = 320

// crcSum is the CRC-32C of b (crc32 caches the Castagnoli table).
func crcSum(b []byte) uint32 {
	return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli))
}

// imageTexts returns pointers to r's text fields in their encoding order.
func imageTexts(r *Record) [22]*string {
	return [22]*string{&r.MTI, &r.Acquirer, &r.STAN, &r.TxTime, &r.Node, &r.BusinessDate,
		&r.AcquirerInst, &r.Issuer, &r.Route, &r.Link, &r.PANMasked, &r.PANHash,
		&r.Processing, &r.Currency, &r.RRN, &r.Terminal, &r.Merchant, &r.Receiving,
		(*string)(&r.State), &r.ResponseCode, &r.AuthID, (*string)(&r.Reversal)}
}

// appendImage appends the encoding of r to dst.
func appendImage(dst []byte, r *Record) []byte {
	dst = binary.AppendVarint(dst, r.ID)
	for _, s := range imageTexts(r) {
		dst = binary.AppendUvarint(dst, uint64(len(*s)))
		dst = append(dst, *s...)
	}
	dst = binary.AppendVarint(dst, r.Amount)
	dst = binary.AppendVarint(dst, micros(r.ReceivedAt))
	dst = binary.AppendVarint(dst, micros(r.RespondedAt))
	return binary.AppendVarint(dst, r.OriginalID)
}

// decoder reads an encoded image or row; the first error sticks. It reads
// a string holding a copy of the encoding, so that the decoded texts are
// substrings of it: one allocation per image or row instead of one per
// field.
type decoder struct {
	b   string
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", ErrCorrupt, what)
	}
}

// uvarint64 reads an unsigned varint (encoding/binary's format) from d.b.
func (d *decoder) uvarint64(what string) uint64 {
	var v uint64
	for i := 0; i < len(d.b) && i < binary.MaxVarintLen64; i++ {
		c := d.b[i]
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break // overflows 64 bits
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.b = d.b[i+1:]
			return v
		}
	}
	d.fail(what)
	return 0
}

func (d *decoder) varint(what string) int64 {
	if d.err != nil {
		return 0
	}
	u := d.uvarint64(what)
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) uvarint(what string, limit uint64) uint64 {
	if d.err != nil {
		return 0
	}
	v := d.uvarint64(what)
	if d.err == nil && v > limit {
		d.fail(what)
		return 0
	}
	return v
}

func (d *decoder) text() string {
	n := d.uvarint("text length", maxText)
	if d.err != nil {
		return ""
	}
	if uint64(len(d.b)) < n {
		d.fail("text")
		return ""
	}
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

// image decodes one record.
func (d *decoder) image() Record {
	var r Record
	r.ID = d.varint("id")
	for _, s := range imageTexts(&r) {
		*s = d.text()
	}
	r.Amount = d.varint("amount")
	r.ReceivedAt = fromMicros(d.varint("received"))
	r.RespondedAt = fromMicros(d.varint("responded"))
	r.OriginalID = d.varint("original id")
	if d.err == nil && (r.ID <= 0 || !r.State.valid() || !r.Reversal.valid()) {
		d.fail("record")
	}
	return r
}

// decodeImage decodes one image encoded by appendImage.
func decodeImage(b []byte) (Record, error) {
	d := decoder{b: string(b)}
	r := d.image()
	if d.err == nil && len(d.b) != 0 {
		d.fail("image length")
	}
	return r, d.err
}

// appendRowHeader starts a log row of n images.
func appendRowHeader(dst []byte, n int) []byte {
	return binary.AppendUvarint(append(dst, logVersion), uint64(n))
}

// sealRow appends the checksum of row to row.
func sealRow(row []byte) []byte {
	return binary.BigEndian.AppendUint32(row, crcSum(row))
}

// decodeRow checks a log row and calls fn for each of its images in order.
func decodeRow(row []byte, fn func(Record)) error {
	if len(row) < 1+1+4 {
		return fmt.Errorf("%w: short row", ErrCorrupt)
	}
	body, sum := row[:len(row)-4], binary.BigEndian.Uint32(row[len(row)-4:])
	if crcSum(body) != sum {
		return fmt.Errorf("%w: checksum mismatch", ErrCorrupt)
	}
	if body[0] != logVersion {
		return fmt.Errorf("%w: unknown version %d", ErrCorrupt, body[0])
	}
	d := decoder{b: string(body[1:])}
	n := d.uvarint("image count", maxLogImages)
	for i := uint64(0); i < n && d.err == nil; i++ {
		r := d.image()
		if d.err == nil {
			fn(r)
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("row length")
	}
	return d.err
}
