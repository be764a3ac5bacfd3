// Package config reads and checks the YAML configuration of switchd, the
// Hulian ISO 8583 switch: the switch's own identity, the admin endpoint, the
// listeners that acquirers connect to, extra dialect spec files, the member
// institutions (acquirers and issuers, with their link settings) and the
// routes from card BINs or receiving institution ids (field 100) to issuers.
//
// Load and Parse decode with unknown keys rejected, fill defaults (see the
// field comments) and validate the whole file, returning every problem at
// once as Errors. Each *Error names the key path, for example
// institutions[1].outbound.addresses[0], and the file line when known. The
// dialect names hl87a and hl87b and the framings ascii4 and binary2 are the
// ones fixed by the Hulian ISO 8583 wire contract; dialect spec files are only
// checked for existence here and are loaded by the dialect package.
//
// The result is plain data: callers build their runtime structures (routing
// table, links, listeners) from it and swap them in on reload.
package config
