package script

// argKind says how an argument's value is checked.
type argKind int

const (
	argHex    argKind = iota // hex, ${} allowed
	argText                  // any text, ${} allowed
	argInt                   // a decimal integer or one ${} reference
	argBool                  // true or false
	argPath                  // a data object path
	argEnum                  // one of argSpec.enum
	argSW                    // a status word pattern
	argTags                  // a list of tags (hex)
	argRegex                 // a Go regular expression
	argTagMap                // a mapping of tags (hex) to hex values: terminal data
)

// argSpec describes one parameter of an action, assertion or condition.
type argSpec struct {
	name     string
	kind     argKind
	required bool
	enum     []string
}

// verb is an action, assertion or condition: its parameters, and which
// one a plain scalar value stands for ("get_data: 9F36" is tag: 9F36).
type verb struct {
	args   []argSpec
	scalar string
	// oneOf lists parameters of which exactly one must be given.
	oneOf []string
}

// arg returns the spec of parameter name.
func (v verb) arg(name string) (argSpec, bool) {
	for _, a := range v.args {
		if a.name == name {
			return a, true
		}
	}
	return argSpec{}, false
}

// ActionKind names a step's action: the one vocabulary of the parser, the
// linter and the runner (certification/runner).
type ActionKind string

// The actions (SCRIPTS.md, "Steps").
const (
	ActPowerOn      ActionKind = "power_on"
	ActAPDU         ActionKind = "apdu"
	ActSelect       ActionKind = "select"
	ActReadPSE      ActionKind = "read_pse"
	ActReadPPSE     ActionKind = "read_ppse"
	ActGPO          ActionKind = "gpo"
	ActReadRecord   ActionKind = "read_record"
	ActReadRecords  ActionKind = "read_records"
	ActGetData      ActionKind = "get_data"
	ActVerify       ActionKind = "verify"
	ActInternalAuth ActionKind = "internal_authenticate"
	ActGenerateAC   ActionKind = "generate_ac"
	ActExternalAuth ActionKind = "external_authenticate"
	ActIssuerScript ActionKind = "issuer_script"
)

// actions returns the step actions and their parameters.
func actions() map[ActionKind]verb {
	return map[ActionKind]verb{
		ActPowerOn:      {args: []argSpec{{name: "mode", kind: argEnum, enum: []string{"cold", "warm"}}}, scalar: "mode"},
		ActAPDU:         {args: []argSpec{{name: "command", kind: argHex, required: true}}, scalar: "command"},
		ActSelect:       {args: []argSpec{{name: "aid", kind: argHex}, {name: "name", kind: argText}, {name: "next", kind: argBool}}, scalar: "aid", oneOf: []string{"aid", "name"}},
		ActReadPSE:      {},
		ActReadPPSE:     {},
		ActGPO:          {args: []argSpec{{name: "data", kind: argHex}, {name: "terminal", kind: argTagMap}}},
		ActReadRecord:   {args: []argSpec{{name: "sfi", kind: argInt, required: true}, {name: "record", kind: argInt, required: true}}},
		ActReadRecords:  {},
		ActGetData:      {args: []argSpec{{name: "tag", kind: argHex, required: true}}, scalar: "tag"},
		ActVerify:       {args: []argSpec{{name: "pin", kind: argText, required: true}, {name: "format", kind: argEnum, enum: []string{"plaintext", "enciphered"}}}, scalar: "pin"},
		ActInternalAuth: {args: []argSpec{{name: "data", kind: argHex}}},
		ActGenerateAC: {args: []argSpec{{name: "type", kind: argEnum, required: true, enum: []string{"aac", "tc", "arqc"}},
			{name: "cda", kind: argBool}, {name: "terminal", kind: argTagMap}}, scalar: "type"},
		ActExternalAuth: {args: []argSpec{{name: "arc", kind: argHex}, {name: "data", kind: argHex}}},
		ActIssuerScript: {args: []argSpec{{name: "command", kind: argEnum, required: true,
			enum: []string{"ec_load", "put_data", "application_block", "application_unblock", "pin_change", "card_block"}},
			{name: "tag", kind: argHex}, {name: "value", kind: argHex}, {name: "bad_mac", kind: argBool}}, scalar: "command"},
	}
}

// assertions returns the assertion kinds and their parameters.
func assertions() map[string]verb {
	path := argSpec{name: "path", kind: argPath, required: true}
	return map[string]verb{
		"present":       {args: []argSpec{path}, scalar: "path"},
		"absent":        {args: []argSpec{path}, scalar: "path"},
		"unique":        {args: []argSpec{path}, scalar: "path"},
		"format":        {args: []argSpec{path}, scalar: "path"},
		"no_duplicates": {args: []argSpec{{name: "path", kind: argPath}}, scalar: "path"},
		"length": {args: []argSpec{path, {name: "is", kind: argInt}, {name: "min", kind: argInt},
			{name: "max", kind: argInt}, {name: "multiple_of", kind: argInt}}},
		"equals":  {args: []argSpec{path, {name: "value", kind: argHex}, {name: "text", kind: argText}}, oneOf: []string{"value", "text"}},
		"matches": {args: []argSpec{{name: "path", kind: argPath}, {name: "regex", kind: argRegex, required: true}}},
		"range":   {args: []argSpec{path, {name: "min", kind: argInt}, {name: "max", kind: argInt}}},
		"order":   {args: []argSpec{{name: "path", kind: argPath}, {name: "tags", kind: argTags, required: true}}},
		"compare": {args: []argSpec{{name: "left", kind: argText, required: true},
			{name: "op", kind: argEnum, required: true, enum: []string{"==", "!=", "<", "<=", ">", ">="}},
			{name: "right", kind: argText, required: true}}},
		"bit": {args: []argSpec{path, {name: "byte", kind: argInt, required: true}, {name: "bit", kind: argInt, required: true},
			{name: "set", kind: argBool, required: true}}},
		"atc_incremented":     {args: []argSpec{{name: "from", kind: argText, required: true}, {name: "by", kind: argInt}}},
		"pin_try_decremented": {args: []argSpec{{name: "from", kind: argText, required: true}}, scalar: "from"},
		"oda":                 {args: []argSpec{{name: "method", kind: argEnum, required: true, enum: []string{"sda", "dda", "cda", "fdda"}}}, scalar: "method"},
		"arqc_valid":          {},
		"arpc_accepted":       {},
		"cid":                 {args: []argSpec{{name: "type", kind: argEnum, required: true, enum: []string{"aac", "tc", "arqc"}}}, scalar: "type"},
		"sw":                  {args: []argSpec{{name: "pattern", kind: argSW, required: true}}, scalar: "pattern"},
		"luhn":                {args: []argSpec{path}, scalar: "path"},
		"track2":              {args: []argSpec{path}, scalar: "path"},
		"date":                {args: []argSpec{path}, scalar: "path"},
		"iso_code":            {args: []argSpec{path, {name: "list", kind: argEnum, required: true, enum: []string{"currency", "country"}}}},
		"disjoint":            {args: []argSpec{{name: "left", kind: argPath, required: true}, {name: "right", kind: argPath, required: true}}},
		"mask":                {args: []argSpec{path, {name: "byte", kind: argInt, required: true}, {name: "any", kind: argHex, required: true}}},
		"unique_in_records":   {},
		"iad_layout":          {args: []argSpec{path}, scalar: "path"},
	}
}

// conditions returns the condition kinds; each takes one scalar value.
func conditions() map[string]verb {
	aip := []string{"sda", "dda", "cda", "cvm", "risk", "issuer_auth"}
	return map[string]verb{
		"aip":       {args: []argSpec{{name: "value", kind: argEnum, required: true, enum: aip}}, scalar: "value"},
		"not_aip":   {args: []argSpec{{name: "value", kind: argEnum, required: true, enum: aip}}, scalar: "value"},
		"cid":       {args: []argSpec{{name: "value", kind: argEnum, required: true, enum: []string{"aac", "tc", "arqc"}}}, scalar: "value"},
		"cvm":       {args: []argSpec{{name: "value", kind: argEnum, required: true, enum: []string{"offline_pin", "enciphered_pin", "online_pin", "signature", "no_cvm"}}}, scalar: "value"},
		"present":   {args: []argSpec{{name: "value", kind: argPath, required: true}}, scalar: "value"},
		"absent":    {args: []argSpec{{name: "value", kind: argPath, required: true}}, scalar: "value"},
		"algorithm": {args: []argSpec{{name: "value", kind: argEnum, required: true, enum: []string{"rsa", "sm"}}}, scalar: "value"},
		"interface": {args: []argSpec{{name: "value", kind: argEnum, required: true, enum: []string{"contact", "contactless"}}}, scalar: "value"},
	}
}

// BuiltinVars returns the variables the runner always defines: the AID
// under test, the terminal's unpredictable number, amount, date and
// currency, the card's test PIN and a wrong one.
func BuiltinVars() []string {
	return []string{"aid", "un", "amount", "date", "currency", "country", "pin", "wrong_pin"}
}
