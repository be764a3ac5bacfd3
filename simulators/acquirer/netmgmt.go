package acquirer

import (
	"context"

	"github.com/hulian/hulian/iso8583/dialect"
)

// Network management information codes (field 70).
const (
	codeSignOn  = "001"
	codeSignOff = "002"
	codeEcho    = "301"
)

// SignOn sends an 0800 sign-on (70 = 001, 33 = the institution id) and
// returns nil only when the 0810 carries 39 = "00"; another code gives a
// *ResponseError.
func (c *Client) SignOn(ctx context.Context) error { return c.network(ctx, "sign-on", codeSignOn) }

// SignOff sends an 0800 sign-off (70 = 002); see SignOn.
func (c *Client) SignOff(ctx context.Context) error {
	return c.network(ctx, "sign-off", codeSignOff)
}

// Echo sends an 0800 echo test (70 = 301); see SignOn.
func (c *Client) Echo(ctx context.Context) error { return c.network(ctx, "echo", codeEcho) }

func (c *Client) network(ctx context.Context, op, code string) error {
	var req, resp dialect.Message
	if err := req.SetMTI([]byte("0800")); err != nil {
		return err
	}
	req.SetString(fieldForward, c.cfg.InstitutionID)
	req.SetString(fieldNetCode, code)
	if err := c.Do(ctx, &req, &resp); err != nil {
		return err
	}
	if got := resp.Field(fieldResponse); string(got) != "00" {
		return &ResponseError{Op: op, Code: string(got)}
	}
	return nil
}
