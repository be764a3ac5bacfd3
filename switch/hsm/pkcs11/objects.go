package pkcs11

import (
	"strconv"
	"strings"
	"time"

	p11 "github.com/miekg/pkcs11"

	"github.com/hulian/hulian/switch/hsm"
	"github.com/hulian/hulian/symmetric"
)

// application tags the metadata data objects of this package.
const application = "hulian-hsm"

// Label suffixes of a ZAK's helper objects ('#' is not a KeyID character).
const (
	suffixK1  = "#k1"  // K1||K1, single DES under 3DES
	suffixK12 = "#k12" // K1||K2, the final step of a triple-length key's MAC
)

// maxObjects bounds how many objects one search returns.
const maxObjects = 4096

// maxMeta bounds a metadata value read from the token.
const maxMeta = 256

// object is one indexed key: its description (without KCV) and object handles.
type object struct {
	info hsm.KeyInfo
	key  p11.ObjectHandle
	k1   p11.ObjectHandle // ZAK only: K1||K1
	k12  p11.ObjectHandle // triple-length ZAK only: K1||K2
	meta p11.ObjectHandle
}

// macFinal returns the key object of the MAC's final block: K1||K2.
func (o *object) macFinal() p11.ObjectHandle {
	if o.k12 != 0 {
		return o.k12
	}
	return o.key
}

// keyTemplate is the template of a token secret key object of n bytes.
func keyTemplate(label string, n int) []*p11.Attribute {
	kt := uint(p11.CKK_DES2)
	if n == 24 {
		kt = p11.CKK_DES3
	}
	return []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_SECRET_KEY),
		p11.NewAttribute(p11.CKA_KEY_TYPE, kt),
		p11.NewAttribute(p11.CKA_TOKEN, true),
		p11.NewAttribute(p11.CKA_PRIVATE, true),
		p11.NewAttribute(p11.CKA_SENSITIVE, true),
		p11.NewAttribute(p11.CKA_EXTRACTABLE, false),
		p11.NewAttribute(p11.CKA_ENCRYPT, true),
		p11.NewAttribute(p11.CKA_DECRYPT, true),
		p11.NewAttribute(p11.CKA_LABEL, label),
		p11.NewAttribute(p11.CKA_ID, []byte(label)),
	}
}

// encodeMeta is the metadata value: "v1 TYPE ALG LENGTH CREATED".
func encodeMeta(i hsm.KeyInfo) []byte {
	return []byte("v1 " + i.Type.String() + " " + i.Alg.String() + " " +
		strconv.Itoa(i.Length) + " " + i.Created.UTC().Format(time.RFC3339))
}

// parseMeta reads encodeMeta's value.
func parseMeta(id hsm.KeyID, v []byte) (hsm.KeyInfo, bool) {
	if len(v) > maxMeta {
		return hsm.KeyInfo{}, false
	}
	f := strings.Fields(string(v))
	if len(f) != 5 || f[0] != "v1" {
		return hsm.KeyInfo{}, false
	}
	t, err1 := hsm.ParseKeyType(f[1])
	a, err2 := symmetric.ParseAlgorithm(f[2])
	n, err3 := strconv.Atoi(f[3])
	c, err4 := time.Parse(time.RFC3339, f[4])
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || a != symmetric.TDES || !a.ValidLength(n) {
		return hsm.KeyInfo{}, false
	}
	return hsm.KeyInfo{ID: id, Type: t, Alg: a, Length: n, Created: c}, true
}

// find returns the objects matching tmpl.
func (m *Module) find(s p11.SessionHandle, tmpl []*p11.Attribute) ([]p11.ObjectHandle, error) {
	if err := m.ctx.FindObjectsInit(s, tmpl); err != nil {
		return nil, err
	}
	hs, _, err := m.ctx.FindObjects(s, maxObjects)
	if ferr := m.ctx.FindObjectsFinal(s); err == nil {
		err = ferr
	}
	return hs, err
}

// findKey returns the secret key object labelled label, 0 if there is none.
func (m *Module) findKey(s p11.SessionHandle, label string) (p11.ObjectHandle, error) {
	hs, err := m.find(s, []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_SECRET_KEY),
		p11.NewAttribute(p11.CKA_LABEL, label),
	})
	if err != nil || len(hs) == 0 {
		return 0, err
	}
	return hs[0], nil
}

// loadIndex reads every metadata object and the key objects it names.
func (m *Module) loadIndex(op string) error {
	s := m.login
	metas, err := m.find(s, []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_DATA),
		p11.NewAttribute(p11.CKA_APPLICATION, application),
	})
	if err != nil {
		return p11Error(op, "", err, "searching key metadata")
	}
	for _, h := range metas {
		attrs, err := m.ctx.GetAttributeValue(s, h, []*p11.Attribute{
			p11.NewAttribute(p11.CKA_LABEL, nil),
			p11.NewAttribute(p11.CKA_VALUE, nil),
		})
		if err != nil || len(attrs) != 2 {
			return p11Error(op, "", err, "reading key metadata")
		}
		id := hsm.KeyID(attrs[0].Value)
		info, ok := parseMeta(id, attrs[1].Value)
		if id.Validate() != nil || !ok {
			m.log.Warn("pkcs11: skipping malformed key metadata object")
			continue
		}
		o, err := m.loadObject(s, info, h)
		if err != nil {
			return p11Error(op, id, err, "key object missing for metadata")
		}
		m.keys[id] = o
	}
	return nil
}

// loadObject finds the key objects of info.
func (m *Module) loadObject(s p11.SessionHandle, info hsm.KeyInfo, meta p11.ObjectHandle) (*object, error) {
	o := &object{info: info, meta: meta}
	var err error
	if o.key, err = m.findKey(s, string(info.ID)); err != nil || o.key == 0 {
		return nil, hsm.ErrNoKey
	}
	if info.Type != hsm.ZAK {
		return o, nil
	}
	if o.k1, err = m.findKey(s, string(info.ID)+suffixK1); err != nil || o.k1 == 0 {
		return nil, hsm.ErrNoKey
	}
	if info.Length == 24 {
		if o.k12, err = m.findKey(s, string(info.ID)+suffixK12); err != nil || o.k12 == 0 {
			return nil, hsm.ErrNoKey
		}
	}
	return o, nil
}

// createMeta writes the metadata object of info.
func (m *Module) createMeta(s p11.SessionHandle, info hsm.KeyInfo) (p11.ObjectHandle, error) {
	return m.ctx.CreateObject(s, []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_DATA),
		p11.NewAttribute(p11.CKA_TOKEN, true),
		p11.NewAttribute(p11.CKA_PRIVATE, true),
		p11.NewAttribute(p11.CKA_APPLICATION, application),
		p11.NewAttribute(p11.CKA_LABEL, string(info.ID)),
		p11.NewAttribute(p11.CKA_VALUE, encodeMeta(info)),
	})
}

// destroy removes the objects of o (ignoring handles that are 0).
func (m *Module) destroy(s p11.SessionHandle, o *object) error {
	var first error
	for _, h := range []p11.ObjectHandle{o.meta, o.k12, o.k1, o.key} {
		if h == 0 {
			continue
		}
		if err := m.ctx.DestroyObject(s, h); err != nil && first == nil {
			first = err
		}
	}
	return first
}
