package config

import (
	"errors"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func itoa(n int) string { return strconv.Itoa(n) }

func TestErrorFormat(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "c.yaml", Line: 3, Key: "switch.id", Problem: "required"}, "c.yaml:3: switch.id: required"},
		{Error{File: "c.yaml", Key: "switch.id", Problem: "required"}, "c.yaml: switch.id: required"},
		{Error{Line: 3, Key: "switch.id", Problem: "required"}, "line 3: switch.id: required"},
		{Error{Key: "switch.id", Problem: "required"}, "switch.id: required"},
		{Error{File: "c.yaml", Line: 1, Problem: "bad"}, "c.yaml:1: bad"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.err.Error())
		})
	}
}

func TestErrorsJoinAndUnwrap(t *testing.T) {
	a := &Error{Key: "a", Problem: "x"}
	b := &Error{Key: "b", Problem: "y"}
	var err error = Errors{a, b}
	assert.Equal(t, "a: x\nb: y", err.Error())
	assert.True(t, errors.Is(err, b))
	var e *Error
	require.True(t, errors.As(err, &e))
	assert.Same(t, a, e)
	assert.Equal(t, []string{"a", "b"}, Errors{a, b}.Keys())
}

func TestValidateConfigBuiltInCode(t *testing.T) {
	c := &Config{Switch: Switch{ID: "1"}}
	require.Error(t, c.Validate(), "max_frame 0 without defaults")
	c.SetDefaults()
	require.NoError(t, c.Validate())

	c.Routes = []Route{{Name: "r", Issuer: "2", BINs: []string{"6"}}}
	c.SetDefaults()
	err := c.Validate()
	require.Error(t, err)
	assert.Equal(t, `routes[0].issuer: no institution with id "2"`, err.Error(), "no line, no file, no timeout cascade")
}
