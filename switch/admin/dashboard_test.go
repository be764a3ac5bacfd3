package admin

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDashboardIsOpenSelfContainedAndReadOnly(t *testing.T) {
	reloads := 0
	srv := httptest.NewServer(New(Handlers{
		Dashboard: func() any { return map[string]any{"samples": []map[string]float64{{"tps": 12.5}}} },
		Reload:    func() error { reloads++; return nil },
		Token:     []byte("s3cret-token"),
	}))
	defer srv.Close()

	resp, err := srv.Client().Get(srv.URL + "/dashboard")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode, "no token needed")
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	csp := resp.Header.Get("Content-Security-Policy")
	assert.Contains(t, csp, "default-src 'none'")
	assert.Contains(t, csp, "connect-src 'self'")

	page := string(dashboardPage)
	assert.Contains(t, page, "<canvas")
	assert.Contains(t, page, `fetch("dashboard/data"`)
	// Nothing from elsewhere: no absolute URL, no external script or style.
	assert.NotRegexp(t, regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`), page)
	assert.NotRegexp(t, regexp.MustCompile(`(?i)<script[^>]+src=|<link[^>]+stylesheet|@import`), page)

	code, body := getWith(t, srv, "GET", "/dashboard/data", "")
	assert.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `{"samples":[{"tps":12.5}]}`, body)

	for _, m := range []string{"POST", "PUT", "DELETE"} {
		code, _ = getWith(t, srv, m, "/dashboard", "")
		assert.Equal(t, http.StatusMethodNotAllowed, code, m)
		code, _ = getWith(t, srv, m, "/dashboard/data", "")
		assert.Equal(t, http.StatusMethodNotAllowed, code, m)
	}
	code, _ = getWith(t, srv, "POST", "/reload", "")
	assert.Equal(t, http.StatusUnauthorized, code, "state changes still need the token")
	assert.Zero(t, reloads)
}

func TestNoDashboardWithoutData(t *testing.T) {
	srv := httptest.NewServer(New(Handlers{}))
	defer srv.Close()
	code, _ := getWith(t, srv, "GET", "/dashboard", "")
	assert.Equal(t, http.StatusNotFound, code)
}
