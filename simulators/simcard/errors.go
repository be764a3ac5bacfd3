package simcard

import (
	"errors"
	"fmt"
)

// Sentinel errors; ProfileError wraps them with the field that failed.
var (
	// ErrProfile marks every profile validation failure (errors.Is).
	ErrProfile = errors.New("card profile invalid")
	// ErrState marks a state file that cannot be read or written.
	ErrState = errors.New("card state")
	// ErrUnknownDefect is returned for a defect name not in the catalogue.
	ErrUnknownDefect = errors.New("unknown defect")
	// ErrPersonalize marks a Personalize failure.
	ErrPersonalize = errors.New("personalize")

	errBadHex  = errors.New("not hexadecimal")
	errTooLong = errors.New("value too long")
)

// ProfileError names the profile field that failed validation. It never
// carries a value (a record may hold a PAN).
type ProfileError struct {
	Field string // e.g. "applications[0].records[2].tags[1]"
	Err   error
}

func (e *ProfileError) Error() string { return fmt.Sprintf("card profile: %s: %v", e.Field, e.Err) }

// Unwrap returns the cause.
func (e *ProfileError) Unwrap() error { return e.Err }

// Is makes every ProfileError match ErrProfile.
func (e *ProfileError) Is(target error) bool { return target == ErrProfile }

func fieldErr(field string, format string, args ...any) error {
	return &ProfileError{Field: field, Err: fmt.Errorf(format, args...)}
}
