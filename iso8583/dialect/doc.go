// Package dialect compiles ISO 8583 dialect descriptions into fast codecs and
// defines the canonical Message the switch routes, so that it can translate
// between unlike dialects (iso8583-contract.md: dialects hl87a and hl87b,
// field table, message types).
//
// Dialects are DESCRIBED as moov-io *iso8583.MessageSpec values: field specs
// built from moov-io's field, encoding and prefix packages (HL87ASpec,
// HL87BSpec), or JSON spec files read with moov-io's specs.ImportJSON
// (LoadSpecFile). Compile turns such a spec into a *Dialect whose Unpack
// decodes a message into a flat canonical Message (MTI, bitmap, fields 2..128
// as byte slices) and whose Pack appends it back in the dialect. Translating
// is Unpack with one Dialect and Pack with another.
//
// Why our own codec: the switch must stay under 15 µs of CPU per transaction,
// which is four decode/encode operations. moov-io's Message unpacks every
// field into its own object with several allocations per field. On the
// typical 0200 of SampleFinancial (25 fields), `go test -bench .` in this
// package measured, per operation (shared 2-core AMD EPYC, Go 1.26; absolute
// numbers move with machine load, the ratios are what matter):
//
//	                  this package           moov-io Message, same spec
//	Unpack hl87a      0.7 µs, 0 allocs       12.5 µs, 113 allocs
//	Unpack hl87b      1.0 µs, 0 allocs        129 µs, 211 allocs
//	Pack   hl87a      0.9 µs, 0 allocs        9.1 µs, 114 allocs
//	Pack   hl87b      1.0 µs, 0 allocs        173 µs, 211 allocs
//	Translate (hl87a unpack + hl87b pack): 1.6 µs, 0 allocs
//
// (BenchmarkUnpack, BenchmarkPack and BenchmarkTranslate; moov-io's stock
// Spec87ASCII takes about 7 µs per operation on a slightly smaller message.)
// A naive switch on moov-io spends about 45 µs per transaction; this codec
// about 4 µs, without garbage.
//
// Compile maps the encoders and prefixers it knows (encoding.ASCII, BCD,
// Binary, BytesToASCIIHex, this package's Track2BCD; prefix.ASCII, BCD and
// Binary L..LLLL, every moov-io Fixed prefixer) to built-in paths and falls
// back to calling the spec's own Encoder and Prefixer for anything else
// (EBCDIC, hex prefixes...), which works for any moov-io spec but allocates.
// The character class of a field (n, an, ans, z, b) comes from its moov-io
// type: Element carries it explicitly; *field.Numeric is n, *field.Track2 z,
// *field.Binary and *field.Hex b, other types ans; a BCD encoder implies n and
// a hex encoder b. Composite fields are carried opaque, as their packed bytes.
//
// Errors are *FieldError values naming the element (0 MTI, 1 bitmap, 2..128)
// and wrapping a sentinel (ErrUnknownField, ErrTruncated, ErrLength,
// ErrSyntax, ErrTrailingData, ...); they never contain field values, which
// may be PANs, track data or PIN blocks. Unpack never panics on any input
// (FuzzUnpackHL87A, FuzzUnpackHL87B, FuzzUnpackPartner87).
package dialect
