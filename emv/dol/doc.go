// Package dol handles Data Object Lists (DOL): PDOL '9F38', CDOL1 '8C',
// CDOL2 '8D', TDOL '97' and DDOL '9F49', as defined by EMV 4.4 Book 3
// section 5.4 (Rules for Using a Data Object List).
//
// A DOL is a list of (tag, length) entries with no values; DOL is that list
// and Entry one entry. Parse decodes the bytes of a DOL (tags per Book 3
// Annex B1 via emv/tlv, each length one byte). Build is the terminal side:
// it concatenates the values the DOL asks for, padded or truncated to the
// requested length by the data element's format (emv/tags), and zeros for
// data the terminal does not have or for constructed tags. Split is the card
// side: it cuts the terminal's concatenated data back into values. Len is
// the length of the data a DOL describes.
package dol
