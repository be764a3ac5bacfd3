// Package route is the switch's routing table: it maps a request to the
// issuer route that serves it, by the longest matching BIN (a prefix of the
// PAN, field 2) or by an exact receiving institution id (field 100, used for
// account-based payments such as wallets), and says whether that route
// accepts the request's MTI and processing code (field 3). A route that
// rejects them makes the switch answer response code 12; no route at all is
// response code 15 (Hulian ISO 8583 wire contract, "Response codes").
//
// Build a Table with New from Specs (FromConfig derives them from a
// switch/config.Config). A Table and its Routes are immutable, so any number
// of goroutines may look up concurrently; on reload, build a new Table and
// swap it in atomically (for example with atomic.Pointer[Table]). Lookups do
// not allocate: BINs sit in a 10-ary digit trie, receiving ids in a map.
package route
