package simcard

import (
	"fmt"
	"strings"
)

// Defect describes one catalogued card fault.
type Defect struct {
	Name        string // switch it on with `defects: [name]` or `name:param`
	Param       string // default parameter ("" when it takes none)
	Kind        string // "personalisation" (data) or "applet" (behaviour)
	Suite       string // "" for both suites, "rsa" or "sm" when only one applies
	Description string // what is wrong on the card
	LabSees     string // what a certification lab observes
}

// Defect names.
const (
	DefectMissingMandatoryTag = "missing-mandatory-tag"
	DefectAFLMissingRecord    = "afl-missing-record"
	DefectDuplicateTag        = "duplicate-tag-in-record"
	DefectECBalanceInRecord   = "ec-balance-in-record"
	DefectIACWrongLength      = "iac-wrong-length"
	DefectCVMPINWithoutPIN    = "cvm-pin-without-pin"
	DefectFCIMissing84        = "fci-missing-84"
	DefectSFIOutOfRange       = "sfi-out-of-range"
	DefectAFLBadLength        = "afl-bad-length"
	DefectPSEMissing          = "pse-missing"
	DefectAIPDDAWithoutKeys   = "aip-dda-without-keys"
	DefectIssuerCertExpired   = "issuer-cert-expired"
	DefectSM2CertWrongFormat  = "sm2-cert-wrong-format"
	DefectWrongAppVersion     = "wrong-app-version"
	DefectTrack2PANMismatch   = "track2-pan-mismatch"
	DefectDDOLWrong           = "ddol-wrong"
	DefectCAIndexUnknown      = "ca-index-unknown"
	DefectSSADCorrupted       = "ssad-corrupted"
	DefectPriorityMissing     = "priority-missing"
	DefectATCNotIncremented   = "atc-not-incremented"
	DefectWrongARQCKey        = "wrong-arqc-key"
	DefectBadDDASignature     = "bad-dda-signature"
	DefectPINTryNotDecr       = "pin-try-not-decremented"
	DefectPINTryNotReset      = "pin-try-not-reset"
	DefectECBalanceAboveLimit = "ec-balance-above-limit"
	DefectWrongSWUnknownINS   = "wrong-sw-unknown-ins"
	DefectCIDMismatch         = "cid-mismatch"
	Defect9F10WrongAlgorithm  = "9f10-wrong-algorithm"
	DefectARPCIgnored         = "arpc-ignored"
	DefectGPOIgnoresPDOLLen   = "gpo-ignores-pdol-length"
	DefectGetDataWrongTag     = "get-data-wrong-tag"
	DefectNo6283WhenBlocked   = "no-6283-when-blocked"
	DefectScriptMACIgnored    = "script-mac-ignored"
	DefectECNotDeducted       = "ec-not-deducted"
	DefectLogNotWritten       = "log-not-written"
	DefectCDANotSigned        = "cda-not-signed"
	DefectLastOnlineATCStale  = "last-online-atc-not-updated"
	DefectOfflineLimitIgnored = "offline-limit-ignored"
	DefectSelectNextIgnored   = "select-next-ignored"
	DefectIADLengthWrong      = "iad-length-wrong"
)

// Defects returns the catalogue (a fresh copy), in DEFECTS.md order.
func Defects() []Defect {
	return append(append(personalisationDefects(), resignedDefects()...), appletDefects()...)
}

func personalisationDefects() []Defect {
	const p = "personalisation"
	return []Defect{
		{DefectMissingMandatoryTag, "5F24", p, "", "The data object named by the parameter (default 5F24, expiry date) is left out of the records.", "READ RECORD of every AFL record succeeds but the tag is absent: mandatory data missing (EMV Book 3 7.2), the terminal terminates."},
		{DefectAFLMissingRecord, "", p, "", "The last record the AFL names was never personalised.", "READ RECORD of that record answers 6A83."},
		{DefectDuplicateTag, "", p, "", "The first AFL record repeats its first data object.", "A strict TLV parse of the record reports a duplicate tag."},
		{DefectECBalanceInRecord, "", p, "", "The EC balance 9F79 is written into the first AFL record.", "9F79 is readable by READ RECORD; JR/T 0025.13 allows it only through GET DATA."},
		{DefectIACWrongLength, "", p, "", "IAC-denial 9F0E is personalised with 4 bytes.", "9F0E has length 4 instead of 5."},
		{DefectCVMPINWithoutPIN, "", p, "", "The CVM list starts with offline plaintext PIN but no PIN was personalised.", "8E asks for offline PIN; GET DATA 9F17 answers 6A88 and VERIFY answers 6984."},
		{DefectFCIMissing84, "", p, "", "The application FCI omits the DF name 84.", "SELECT returns a 6F template without 84."},
		{DefectSFIOutOfRange, "", p, "", "The PSE FCI names SFI 1F in tag 88.", "88 is outside 1..1E; READ RECORD of SFI 31 is impossible."},
		{DefectAFLBadLength, "", p, "", "The AFL carries one stray byte after its last entry.", "GPO returns an AFL whose length is not a multiple of 4."},
		{DefectPSEMissing, "", p, "", "The payment system environment was not personalised.", "SELECT 1PAY.SYS.DDF01 answers 6A82."},
		{DefectAIPDDAWithoutKeys, "", p, "", "AIP announces DDA but the ICC certificate, exponent and remainder are missing.", "AIP bit DDA set, 9F46/9F47/9F48 absent, INTERNAL AUTHENTICATE answers 6985."},
		{DefectIssuerCertExpired, "", p, "", "The issuer public key certificate was issued with expiry date 12/19 (needs ca_private_key).", "The recovered issuer certificate carries an expiry month in the past."},
		{DefectSM2CertWrongFormat, "", p, "sm", "The SM2 issuer certificate starts with format 02 (RSA) instead of 12.", "SM2 issuer certificate format byte is 02: certificate rejected."},
		{DefectWrongAppVersion, "", p, "", "Application version 9F08 is 0020 (PBOC 2.0) instead of 0030.", "9F08 = 0020."},
		{DefectTrack2PANMismatch, "", p, "", "The PAN inside track 2 equivalent data 57 differs from 5A in its last digit.", "57 and 5A disagree."},
		{DefectDDOLWrong, "", p, "", "DDOL 9F49 asks for a 2-byte unpredictable number (9F3702).", "9F49 is not 9F3704."},
		{DefectCAIndexUnknown, "", p, "", "CA public key index 8F names index FE, which no CA key file holds.", "8F = FE: no CA public key, offline data authentication fails."},
		{DefectSSADCorrupted, "", p, "", "Signed static application data 93 has one byte altered.", "SDA verification fails (hash mismatch)."},
		{DefectPriorityMissing, "", p, "", "Application priority indicator 87 is left out of the FCI and the directory entries.", "No 87 although the card holds several applications."},
	}
}

func appletDefects() []Defect {
	const a = "applet"
	return []Defect{
		{DefectATCNotIncremented, "", a, "", "The ATC is not incremented by GENERATE AC.", "Two transactions return the same 9F36."},
		{DefectWrongARQCKey, "", a, "", "Cryptograms are computed under the MAC session key instead of the AC one.", "The recomputed ARQC differs from 9F26."},
		{DefectBadDDASignature, "", a, "", "Signed dynamic data (DDA, fDDA, CDA) has its last byte altered.", "DDA/fDDA/CDA verification fails."},
		{DefectPINTryNotDecr, "", a, "", "A wrong PIN does not decrement the PIN try counter.", "VERIFY with a wrong PIN answers 63Cx with x unchanged; 9F17 unchanged."},
		{DefectPINTryNotReset, "", a, "", "A correct PIN does not reset the PIN try counter.", "After a wrong then a right PIN, 9F17 stays below the try limit."},
		{DefectECBalanceAboveLimit, "", a, "", "The EC balance exceeds the balance limit and PUT DATA accepts loads above it.", "GET DATA 9F79 > 9F77."},
		{DefectWrongSWUnknownINS, "", a, "", "An unknown instruction is answered 6E00 (class not supported).", "Unknown INS gets 6E00 instead of 6D00."},
		{DefectCIDMismatch, "", a, "", "The CID 9F27 says TC while the cryptogram and CVR are an ARQC.", "9F27 = 40 but 9F10 CVR says ARQC."},
		{Defect9F10WrongAlgorithm, "", a, "", "9F10 names the other algorithm (04 for 3DES, 01 for SM4).", "9F10 algorithm id does not match the keys in use."},
		{DefectARPCIgnored, "", a, "", "EXTERNAL AUTHENTICATE accepts any ARPC.", "A wrong ARPC is answered 9000 instead of 6300."},
		{DefectGPOIgnoresPDOLLen, "", a, "", "GPO does not check the PDOL data length.", "GPO with too short PDOL data answers 9000 instead of 6700."},
		{DefectGetDataWrongTag, "", a, "", "GET DATA 9F36 answers with the ATC under tag 9F13.", "Response tag differs from the requested one."},
		{DefectNo6283WhenBlocked, "", a, "", "SELECT of a blocked application answers 9000.", "No 6283 after APPLICATION BLOCK."},
		{DefectScriptMACIgnored, "", a, "", "Issuer script commands are executed whatever their MAC.", "A script command with a wrong MAC answers 9000 instead of 6988."},
		{DefectECNotDeducted, "", a, "", "An offline EC purchase (TC) leaves the balance unchanged.", "GET DATA 9F79 unchanged after an offline EC TC."},
		{DefectLogNotWritten, "", a, "", "Completed transactions are not written to the transaction log.", "READ RECORD of the log SFI answers 6A83."},
		{DefectCDANotSigned, "", a, "rsa", "GENERATE AC with CDA requested returns format 1 without signature.", "No 9F4B in the GENERATE AC response although AIP has CDA."},
		{DefectLastOnlineATCStale, "", a, "", "The last online ATC register 9F13 is not updated by an online transaction.", "GET DATA 9F13 unchanged after an approved online transaction."},
		{DefectOfflineLimitIgnored, "", a, "", "Card risk management ignores the consecutive offline limit 9F23.", "TC returned offline beyond the upper consecutive offline limit."},
		{DefectSelectNextIgnored, "", a, "", "SELECT next occurrence (P2=02) returns the first match again.", "The same AID is selected twice; the second application is unreachable."},
		{DefectIADLengthWrong, "", a, "", "The issuer discretionary data of 9F10 says 0B bytes, 0A follow.", "9F10's IDD length byte does not count what follows."},
	}
}

// defectSet is the set of defects switched on, with their parameters.
type defectSet map[string]string

func (d defectSet) on(name string) bool { _, ok := d[name]; return ok }

// lookupDefect splits "name[:param]" and checks the name.
func lookupDefect(s string) (Defect, string, error) {
	name, param, _ := strings.Cut(s, ":")
	for _, d := range Defects() {
		if d.Name == name {
			if param == "" {
				param = d.Param
			}
			return d, param, nil
		}
	}
	return Defect{}, "", fmt.Errorf("%w: %q", ErrUnknownDefect, name)
}

// newDefectSet builds the set from profile entries (validated already).
func newDefectSet(list []string, suiteName string) (defectSet, error) {
	ds := make(defectSet, len(list))
	for _, s := range list {
		d, param, err := lookupDefect(s)
		if err != nil {
			return nil, err
		}
		if d.Suite != "" && d.Suite != suiteName {
			return nil, fmt.Errorf("defect %s applies to the %s suite only", d.Name, d.Suite)
		}
		ds[d.Name] = param
	}
	return ds, nil
}
