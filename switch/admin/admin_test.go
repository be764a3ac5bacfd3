package admin

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t *testing.T, srv *httptest.Server, method, path string) (int, string) {
	return getWith(t, srv, method, path, "s3cret-token")
}

func getWith(t *testing.T, srv *httptest.Server, method, path, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "hulian_switch_test_total", Help: "test"})
	reg.MustRegister(c)
	c.Add(3)
	reloads := 0
	fail := false
	srv := httptest.NewServer(New(Handlers{
		Gatherer: reg,
		Status:   func() any { return map[string]int{"routes": 4} },
		Healthy:  func() (bool, string) { return !fail, map[bool]string{false: "ok", true: "no issuer link"}[fail] },
		Token:    []byte("s3cret-token"),
		Reload: func() error {
			reloads++
			if fail {
				return errors.New("routes[0].issuer: unknown institution")
			}
			return nil
		},
	}))
	defer srv.Close()

	code, body := get(t, srv, "GET", "/metrics")
	assert.Equal(t, 200, code)
	assert.Contains(t, body, "hulian_switch_test_total 3")

	code, body = get(t, srv, "GET", "/status")
	assert.Equal(t, 200, code)
	assert.JSONEq(t, `{"routes":4}`, body)

	code, _ = get(t, srv, "GET", "/healthz")
	assert.Equal(t, 200, code)

	code, body = get(t, srv, "POST", "/reload")
	assert.Equal(t, 200, code)
	assert.Equal(t, "reloaded\n", body)

	fail = true
	code, body = get(t, srv, "POST", "/reload")
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.True(t, strings.Contains(body, "routes[0].issuer"))
	code, _ = get(t, srv, "GET", "/healthz")
	assert.Equal(t, http.StatusServiceUnavailable, code)
	assert.Equal(t, 2, reloads)

	code, _ = get(t, srv, "GET", "/reload")
	assert.Equal(t, http.StatusMethodNotAllowed, code)

	// State changes need the token; monitoring does not.
	code, _ = getWith(t, srv, "POST", "/reload", "")
	assert.Equal(t, http.StatusUnauthorized, code)
	code, _ = getWith(t, srv, "POST", "/reload", "wrong")
	assert.Equal(t, http.StatusUnauthorized, code)
	code, _ = getWith(t, srv, "GET", "/metrics", "")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, 2, reloads, "refused reloads did not run")
}

func TestNoTokenConfiguredRefusesStateChanges(t *testing.T) {
	srv := httptest.NewServer(New(Handlers{Reload: func() error { return nil }, Profiling: true}))
	defer srv.Close()
	code, body := getWith(t, srv, "POST", "/reload", "anything")
	assert.Equal(t, http.StatusForbidden, code)
	assert.Contains(t, body, "admin.token_file")
	code, _ = getWith(t, srv, "GET", "/debug/pprof/", "anything")
	assert.Equal(t, http.StatusForbidden, code)
}
