// Package load is the load generator of the Hulian simulators: Run keeps a
// fixed number of ISO 8583 requests in flight over one or more
// acquirer.Client connections (round-robin) until a count or a duration is
// reached, and reports throughput, response codes and latency percentiles.
//
// Entry points: Options, Run and Result. Latencies go into a preallocated
// log-linear histogram (32 linear sub-buckets per power of two, so about 3%
// relative error) whose memory does not depend on the number of requests.
// The default request is dialect.SampleFinancial (an 0200 purchase) with its
// PAN rotated over a small set of Luhn-valid PANs of the same BIN, and with
// fields 7, 11, 32 and 33 left for the client to fill.
package load
