package script

// Severity says what a failing case means for the card: fail (the card does
// not conform), warn (a weakness a lab reports) or info (recorded only).
type Severity string

// The severities.
const (
	SeverityFail Severity = "fail"
	SeverityWarn Severity = "warn"
	SeverityInfo Severity = "info"
)

// File is one script file: shared variables and its cases in file order.
type File struct {
	Path  string
	Suite string            // optional suite name
	Vars  map[string]string // ${name} values every case of the file sees
	Cases []Case
}

// Case is one test case.
type Case struct {
	File, ID, Clause, Title, Category string
	Line                              int
	Severity                          Severity
	Tags                              []string
	// Destructive cases change the card for good (PIN tries, a blocked
	// application): the runner runs them last, and only when asked.
	Destructive bool
	// When lists preconditions; a case whose preconditions do not hold is
	// "not applicable", not failed.
	When  []Condition
	Steps []Step
	// Cleanup restores what the steps may have changed (a PIN try counter,
	// an electronic cash balance). It runs after the steps whatever
	// happened to them, on a cold-reset card, and only when every variable
	// it uses was set (a value never captured means the change it undoes
	// never happened).
	Cleanup []Step
}

// Step is one action with what its answer must show. Loop steps (ForEach or
// Repeat) have no action of their own: they run Steps.
type Step struct {
	Line    int
	Name    string
	Action  Action
	Expect  SWPattern // status words allowed; "9000" when not given
	Capture []Capture
	Assert  []Assertion
	If      []Condition // the step runs only when all hold
	ForEach string      // "afl_record": Steps run once per record of the AFL
	Repeat  int         // Steps run Repeat times
	Steps   []Step
}

// Action is what a step sends: Kind names it (see Actions) and Args holds
// its parameters as written (values may contain ${name}).
type Action struct {
	Kind ActionKind
	Args map[string]string
}

// Capture stores a value of the step's answer in variable Var: a data
// object by Path, or "sw" / "data" / "atr" for the raw status word, answer
// data or ATR.
type Capture struct {
	Line int
	Var  string
	Path Path
}

// Assertion is one check of a step's answer; Kind names it (see
// Assertions) and Args holds its parameters.
type Assertion struct {
	Line int
	Kind string
	Path Path              // the data object checked, when the kind has one
	Args map[string]string // the rest, as written
	List []string          // list parameters (order: the tags)
}

// Condition gates a case or a step: Kind is aip, not_aip, cid, cvm,
// present, absent or algorithm; Value its parameter.
type Condition struct {
	Line  int
	Kind  string
	Value string
}
