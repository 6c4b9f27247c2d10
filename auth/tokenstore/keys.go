package tokenstore

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/idsdk/idsdk-go/internal/redact"
)

// KeySize is the length in bytes of an encryption key (AES-256).
const KeySize = 32

// Key is one AES-256 key and the id recorded beside every row it encrypts.
// Formatting or logging a Key shows its id only.
type Key struct {
	// ID names the key; it is stored in each row, so keep it short and
	// never reuse an id for other key material.
	ID string
	// Secret is the 32-byte key.
	Secret []byte
}

// GenerateKey returns a new random key with the given id.
func GenerateKey(id string) (Key, error) {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		return Key{}, fmt.Errorf("tokenstore: generating key: %w", err)
	}
	return Key{ID: id, Secret: b}, nil
}

// String shows the key id only.
func (k Key) String() string {
	return fmt.Sprintf("tokenstore.Key{ID: %q, Secret: %s}", k.ID, redact.Placeholder)
}

// GoString is String.
func (k Key) GoString() string { return k.String() }

// Format prints String for every verb.
func (k Key) Format(f fmt.State, verb rune) { redact.Format(f, verb, k.String()) }

// LogValue keeps the key material out of slog output.
func (k *Key) LogValue() slog.Value { return redact.PointerLogValue(k) }

// MarshalJSON writes String.
func (k Key) MarshalJSON() ([]byte, error) { return redact.JSON(k.String()) }

// Keyring holds the keys a Store encrypts and decrypts with: new rows are
// encrypted with the primary key; rows are decrypted with whichever key
// their key id names. To rotate, make a new key primary and keep the old
// ones in the ring until no row uses them.
type Keyring struct {
	primary string
	aeads   map[string]cipher.AEAD
	ids     []string
}

// NewKeyring builds a keyring whose primary key is primary; older keys are
// only used to decrypt. Every key must be 32 bytes with a unique, non-empty
// id of at most 64 characters.
func NewKeyring(primary Key, older ...Key) (*Keyring, error) {
	r := &Keyring{primary: primary.ID, aeads: map[string]cipher.AEAD{}}
	for _, k := range append([]Key{primary}, older...) {
		if k.ID == "" || len(k.ID) > 64 {
			return nil, errors.New("tokenstore: a key id must have 1 to 64 characters")
		}
		if len(k.Secret) != KeySize {
			return nil, fmt.Errorf("tokenstore: key %q has %d bytes, want %d (AES-256)", k.ID, len(k.Secret), KeySize)
		}
		if _, dup := r.aeads[k.ID]; dup {
			return nil, fmt.Errorf("tokenstore: key id %q appears twice", k.ID)
		}
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("tokenstore: key %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("tokenstore: key %q: %w", k.ID, err)
		}
		r.aeads[k.ID] = aead
		r.ids = append(r.ids, k.ID)
	}
	return r, nil
}

// ParseKeyring reads keys written as "id:base64key,id:base64key,...", the
// first one primary (standard or URL base64, padded or not). It suits an
// environment variable.
func ParseKeyring(s string) (*Keyring, error) {
	var keys []Key
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		id, enc, ok := strings.Cut(part, ":")
		if !ok || id == "" {
			return nil, fmt.Errorf("tokenstore: key %d is not written as id:base64", i+1)
		}
		var b []byte
		var err error
		for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err = e.DecodeString(enc); err == nil {
				break
			}
		}
		if err != nil {
			return nil, fmt.Errorf("tokenstore: key %q is not valid base64", id)
		}
		keys = append(keys, Key{ID: id, Secret: b})
	}
	if len(keys) == 0 {
		return nil, errors.New("tokenstore: no keys")
	}
	return NewKeyring(keys[0], keys[1:]...)
}

// PrimaryID is the id of the key new rows are encrypted with.
func (r *Keyring) PrimaryID() string { return r.primary }

// IDs lists the key ids, the primary first.
func (r *Keyring) IDs() []string { return append([]string(nil), r.ids...) }

// String lists the key ids without key material.
func (r Keyring) String() string {
	return fmt.Sprintf("tokenstore.Keyring{Primary: %q, IDs: %q}", r.primary, r.ids)
}

// GoString is String.
func (r Keyring) GoString() string { return r.String() }

// Format prints String for every verb.
func (r Keyring) Format(f fmt.State, verb rune) { redact.Format(f, verb, r.String()) }

// LogValue keeps key material out of slog output.
func (r *Keyring) LogValue() slog.Value { return redact.PointerLogValue(r) }

// MarshalJSON writes String.
func (r Keyring) MarshalJSON() ([]byte, error) { return redact.JSON(r.String()) }

// ad is the associated data that binds a ciphertext to its row and column:
// a ciphertext copied to another row or column does not decrypt.
func ad(rowID, column string) []byte {
	b := make([]byte, 0, len("idsdk-tokenstore/v1\x00")+len(rowID)+1+len(column))
	b = append(b, "idsdk-tokenstore/v1\x00"...)
	b = append(b, rowID...)
	b = append(b, 0)
	b = append(b, column...)
	return b
}

// seal encrypts plaintext for (rowID, column) with the primary key and
// returns nonce||ciphertext.
func (r *Keyring) seal(rowID, column, plaintext string) ([]byte, error) {
	aead := r.aeads[r.primary]
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("tokenstore: nonce: %w", err)
	}
	return aead.Seal(out, out, []byte(plaintext), ad(rowID, column)), nil
}

// open decrypts what seal produced with the key keyID.
func (r *Keyring) open(keyID, rowID, column string, sealed []byte) (string, error) {
	aead, ok := r.aeads[keyID]
	if !ok {
		return "", &Error{Err: ErrUnknownKey, ID: rowID, KeyID: keyID}
	}
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return "", &Error{Err: ErrDecrypt, ID: rowID, KeyID: keyID}
	}
	pt, err := aead.Open(nil, sealed[:n], sealed[n:], ad(rowID, column))
	if err != nil {
		return "", &Error{Err: ErrDecrypt, ID: rowID, KeyID: keyID}
	}
	return string(pt), nil
}
