package dialect

// SampleFinancial resets m and fills it with a typical 0200 financial request
// (purchase, chip read, with PIN block, ICC data and MAC) whose field 11 (STAN)
// is stan and whose retrieval reference number ends with it. It is the
// message used by tests, benchmarks and simulators. The card data is test
// data: PAN 6222020000000000125 passes the Luhn check but belongs to no one.
// All values are copied into m's arena, so in steady state it allocates
// nothing.
func SampleFinancial(m *Message, stan string) {
	m.Reset()
	m.mti, m.hasMTI = [4]byte{'0', '2', '0', '0'}, true
	m.SetString(2, "6222020000000000125")
	m.SetString(3, "000000")
	m.SetString(4, "000000012345")
	m.SetString(7, "0615103000")
	m.SetString(11, stan)
	m.SetString(12, "103000")
	m.SetString(13, "0615")
	m.SetString(14, "2912")
	m.SetString(18, "5411")
	m.SetString(22, "051")
	m.SetString(23, "001")
	m.SetString(25, "00")
	m.SetString(26, "12")
	m.SetString(32, "01020000")
	m.SetString(33, "01020001")
	m.SetString(35, "6222020000000000125=2912101123456")
	rrn := m.reserve(6 + len(stan))
	copy(rrn[copy(rrn, "061510"):], stan)
	m.Set(37, rrn)
	m.SetString(41, "TERM0001")
	m.SetString(42, "102310058120001")
	m.SetString(43, "HULIAN TEST SHOP        SHANGHAI      CN")
	m.SetString(49, "156")
	m.SetString(52, "\x3a\x7c\x11\x9e\x0d\x45\xb2\x61")
	m.SetString(55, sampleICC)
	m.SetString(60, "22000001000500")
	m.SetString(128, "\x5e\x91\x0c\x37\xa2\x48\xf0\x1d")
}

// sampleICC is chip data as a terminal sends it in field 55 (BER-TLV):
// cryptogram, CID, IAD, unpredictable number, ATC, TVR, date, type, amount,
// currency, AIP, country, other amount, capabilities, CVM results, terminal
// type, IFD serial, DF name, application version, sequence counter.
const sampleICC = "\x9f\x26\x08\x1b\x2c\x3d\x4e\x5f\x60\x71\x82" +
	"\x9f\x27\x01\x80" +
	"\x9f\x10\x13\x07\x01\x01\x03\xa0\x00\x00\x01\x0a\x01\x00\x00\x00\x00\x00\x12\x34\x56\x78" +
	"\x9f\x37\x04\x9a\x1b\x2c\x3d" +
	"\x9f\x36\x02\x00\x2a" +
	"\x95\x05\x00\x00\x00\x08\x00" +
	"\x9a\x03\x25\x06\x15" +
	"\x9c\x01\x00" +
	"\x9f\x02\x06\x00\x00\x00\x01\x23\x45" +
	"\x5f\x2a\x02\x01\x56" +
	"\x82\x02\x7c\x00" +
	"\x9f\x1a\x02\x01\x56" +
	"\x9f\x03\x06\x00\x00\x00\x00\x00\x00" +
	"\x9f\x33\x03\xe0\xf1\xc8" +
	"\x9f\x34\x03\x42\x03\x00" +
	"\x9f\x35\x01\x22" +
	"\x9f\x1e\x08\x30\x30\x30\x30\x30\x30\x30\x31" +
	"\x84\x08\xa0\x00\x00\x03\x33\x01\x01\x01" +
	"\x9f\x09\x02\x00\x30" +
	"\x9f\x41\x04\x00\x00\x00\x01"
