/*
 * wz_sm2 — conformant SM2 signatures (GB/T 32918.2, SM3, distinguishing ID) through the
 * OpenSSL that is linked into the `node` binary.
 *
 * Why it exists: Node's crypto.sign('sm3', data, sm2Key) runs OpenSSL's SM2 with an EMPTY
 * distinguishing ID and offers no way to set one. This addon does the same EVP calls but sets
 * the ID with EVP_PKEY_CTX_set1_id (default "1234567812345678", chosen by the caller).
 *
 * What it trusts: OpenSSL (the copy inside node; no other library is linked) for parsing,
 * point validation, the nonce (OpenSSL's DRBG) and the arithmetic. Inputs from JavaScript are
 * untrusted: every argument is type-checked and key material is parsed once into an EVP_PKEY
 * held by a type-tagged external, freed by the garbage collector's finalizer.
 *
 * Errors: thrown as JS Errors with a `code` of WZ_SM2_* and no key material in the message.
 */
#include <node_api.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/ec.h>
#include <openssl/bn.h>
#include <openssl/obj_mac.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <string.h>
#include <pthread.h>

static const napi_type_tag PRIVATE_TAG = {0x9d3b6c1e2a4f4a71ULL, 0x8e1c5d0b7f6a2e33ULL};
static const napi_type_tag PUBLIC_TAG = {0x4b2e7d915c3a4f08ULL, 0xa6f3e2d1c0b9a877ULL};

static EVP_MD *g_sm3 = NULL;

#define CHECK(call)                                                     \
  do {                                                                  \
    if ((call) != napi_ok) {                                            \
      napi_throw_error(env, "WZ_SM2_NAPI", "N-API call failed: " #call); \
      return NULL;                                                      \
    }                                                                   \
  } while (0)

static napi_value throw_code(napi_env env, const char *code, const char *msg) {
  ERR_clear_error();
  napi_throw_error(env, code, msg);
  return NULL;
}

/* Reads a Buffer / Uint8Array argument. */
static int get_bytes(napi_env env, napi_value v, const unsigned char **data, size_t *len) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return 0;
  napi_typedarray_type type;
  size_t length;
  void *ptr;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, &length, &ptr, &ab, &off) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (const unsigned char *)ptr;
  *len = length;
  if (*data == NULL) *data = (const unsigned char *)""; /* empty, detached-safe */
  return 1;
}

/*
 * A key handle: the parsed key plus a template operation context. Initialising an EVP
 * sign/verify context costs provider fetches and the Z computation on every call; instead the
 * first call for a given ID keeps an initialised EVP_PKEY_CTX (ID set, Z_A already absorbed)
 * and later calls with the same ID duplicate it. Handles are used from one JS thread only.
 */
#define TEMPLATE_ID_MAX 64
typedef struct {
  EVP_PKEY *pkey;
  EVP_PKEY_CTX *tmpl; /* initialised for SIGNCTX (private) or VERIFYCTX (public); may be NULL */
  unsigned char tmpl_id[TEMPLATE_ID_MAX];
  size_t tmpl_idlen;
} wz_key;

static void finalize_key(napi_env env, void *data, void *hint) {
  wz_key *k = (wz_key *)data;
  EVP_PKEY_CTX_free(k->tmpl);
  EVP_PKEY_free(k->pkey);
  OPENSSL_free(k);
}

static napi_value wrap_key(napi_env env, EVP_PKEY *pkey, int is_private) {
  napi_value ext;
  wz_key *k = OPENSSL_zalloc(sizeof *k);
  if (k == NULL) {
    EVP_PKEY_free(pkey);
    return throw_code(env, "WZ_SM2_NAPI", "out of memory");
  }
  k->pkey = pkey;
  if (napi_create_external(env, k, finalize_key, NULL, &ext) != napi_ok) {
    EVP_PKEY_free(pkey);
    OPENSSL_free(k);
    return throw_code(env, "WZ_SM2_NAPI", "cannot wrap key");
  }
  CHECK(napi_type_tag_object(env, ext, is_private ? &PRIVATE_TAG : &PUBLIC_TAG));
  return ext;
}

static wz_key *unwrap_handle(napi_env env, napi_value v, int want_private) {
  bool ok = false;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_external) return NULL;
  if (napi_check_object_type_tag(env, v, want_private ? &PRIVATE_TAG : &PUBLIC_TAG, &ok) != napi_ok || !ok) return NULL;
  void *p = NULL;
  if (napi_get_value_external(env, v, &p) != napi_ok) return NULL;
  return (wz_key *)p;
}

static EVP_PKEY *unwrap_key(napi_env env, napi_value v, int want_private) {
  wz_key *k = unwrap_handle(env, v, want_private);
  return k == NULL ? NULL : k->pkey;
}

/* An SM2 key in OpenSSL 3 is of type "SM2" when its curve is sm2p256v1. */
static int is_sm2(EVP_PKEY *pkey) {
  return pkey != NULL && EVP_PKEY_is_a(pkey, "SM2");
}

/* Builds an SM2 EVP_PKEY from parameters. pub is the 65-byte uncompressed point; priv optional. */
static EVP_PKEY *sm2_from_data(const unsigned char *pub, size_t publen, const BIGNUM *priv) {
  EVP_PKEY *pkey = NULL;
  OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM *params = NULL;
  EVP_PKEY_CTX *ctx = NULL;
  if (bld == NULL) goto done;
  if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0)) goto done;
  if (!OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, publen)) goto done;
  if (priv != NULL && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)) goto done;
  params = OSSL_PARAM_BLD_to_param(bld);
  if (params == NULL) goto done;
  ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
  if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0) goto done;
  if (EVP_PKEY_fromdata(ctx, &pkey, priv != NULL ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) <= 0) pkey = NULL;
done:
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  return pkey;
}

/* Public-key validation: on the curve and not the point at infinity. SM2's curve has prime
 * order (cofactor 1), so every such point has order n and the n·Q = O test of the full check
 * (SEC 1 §3.2.2.1 step 4, needed only when h ≠ 1) is redundant — and it is a whole scalar
 * multiplication, which made importing a key cost more than verifying a signature. */
static int public_ok(EVP_PKEY *pkey) {
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
  int ok = ctx != NULL && EVP_PKEY_public_check_quick(ctx) == 1;
  EVP_PKEY_CTX_free(ctx);
  return ok;
}

/* Private-key validation: d in [1, n-2] and pub = d*G. */
static int pair_ok(EVP_PKEY *pkey) {
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pkey, NULL);
  int ok = ctx != NULL && EVP_PKEY_check(ctx) == 1;
  EVP_PKEY_CTX_free(ctx);
  return ok;
}

/* PEM text or exactly-consumed DER (PKCS#8/SEC1 for private, SPKI for public) → key, or NULL. */
static EVP_PKEY *decode_pem_or_der(const unsigned char *in, size_t inlen, int priv) {
  EVP_PKEY *pkey = NULL;
  if (inlen > 10 && memcmp(in, "-----BEGIN", 10) == 0) {
    BIO *bio = BIO_new_mem_buf(in, (int)inlen);
    if (bio != NULL) pkey = priv ? PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"") : PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return pkey;
  }
  const unsigned char *p = in;
  pkey = priv ? d2i_AutoPrivateKey(NULL, &p, (long)inlen) : d2i_PUBKEY(NULL, &p, (long)inlen);
  if (pkey != NULL && p != in + inlen) {
    EVP_PKEY_free(pkey);
    pkey = NULL;
  }
  return pkey;
}

/* Checks a parsed key (SM2, valid) and wraps it in a JS handle; frees it and throws otherwise. */
static napi_value check_and_wrap(napi_env env, EVP_PKEY *pkey, int priv) {
  if (pkey == NULL) return throw_code(env, "WZ_SM2_KEY", priv ? "cannot parse the SM2 private key" : "cannot parse the SM2 public key");
  if (!is_sm2(pkey)) {
    EVP_PKEY_free(pkey);
    return throw_code(env, "WZ_SM2_KEY", "not an SM2 key");
  }
  if (!(priv ? pair_ok(pkey) : public_ok(pkey))) {
    EVP_PKEY_free(pkey);
    return throw_code(env, "WZ_SM2_KEY", priv ? "invalid SM2 private key" : "invalid SM2 public key");
  }
  ERR_clear_error();
  return wrap_key(env, pkey, priv);
}

/* importPrivate(bytes): 32-byte raw scalar, PKCS#8/SEC1 DER, or PEM text bytes. */
static napi_value import_private(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  const unsigned char *in;
  size_t inlen;
  if (argc < 1 || !get_bytes(env, argv[0], &in, &inlen)) return throw_code(env, "WZ_SM2_ARG", "expected a Uint8Array");
  EVP_PKEY *pkey = NULL;
  if (inlen == 32) {
    BIGNUM *d = BN_bin2bn(in, 32, NULL);
    EC_GROUP *group = EC_GROUP_new_by_curve_name(NID_sm2);
    EC_POINT *q = group ? EC_POINT_new(group) : NULL;
    unsigned char pub[65];
    size_t publen = 0;
    if (d != NULL && q != NULL && !BN_is_zero(d) && BN_cmp(d, EC_GROUP_get0_order(group)) < 0 &&
        EC_POINT_mul(group, q, d, NULL, NULL, NULL) == 1)
      publen = EC_POINT_point2oct(group, q, POINT_CONVERSION_UNCOMPRESSED, pub, sizeof pub, NULL);
    if (publen == 65) pkey = sm2_from_data(pub, publen, d);
    EC_POINT_free(q);
    EC_GROUP_free(group);
    BN_clear_free(d);
  } else {
    pkey = decode_pem_or_der(in, inlen, 1);
  }
  return check_and_wrap(env, pkey, 1);
}

/* importPublic(bytes): 65-byte uncompressed point, SPKI DER, or PEM text bytes. */
static napi_value import_public(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  const unsigned char *in;
  size_t inlen;
  if (argc < 1 || !get_bytes(env, argv[0], &in, &inlen)) return throw_code(env, "WZ_SM2_ARG", "expected a Uint8Array");
  EVP_PKEY *pkey = NULL;
  if (inlen == 65 && in[0] == 0x04) pkey = sm2_from_data(in, inlen, NULL);
  else pkey = decode_pem_or_der(in, inlen, 0);
  return check_and_wrap(env, pkey, 0);
}

/* generate(): a fresh SM2 private key handle. */
static napi_value generate(napi_env env, napi_callback_info info) {
  EVP_PKEY *pkey = NULL;
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL);
  if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 || EVP_PKEY_keygen(ctx, &pkey) <= 0) pkey = NULL;
  EVP_PKEY_CTX_free(ctx);
  if (pkey == NULL) return throw_code(env, "WZ_SM2_KEY", "SM2 key generation failed");
  return wrap_key(env, pkey, 1);
}

/* publicOf(privateHandle): a public handle for the same key. */
static napi_value public_of(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  EVP_PKEY *priv = argc < 1 ? NULL : unwrap_key(env, argv[0], 1);
  if (priv == NULL) return throw_code(env, "WZ_SM2_ARG", "expected a private key handle");
  unsigned char pub[65];
  size_t publen = 0;
  if (EVP_PKEY_get_octet_string_param(priv, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &publen) != 1 || publen != 65)
    return throw_code(env, "WZ_SM2_KEY", "cannot read the public point");
  EVP_PKEY *pkey = sm2_from_data(pub, publen, NULL);
  if (pkey == NULL) return throw_code(env, "WZ_SM2_KEY", "cannot build the public key");
  return wrap_key(env, pkey, 0);
}

/* exportRaw(handle): {d?: 32 bytes, pub: 65 bytes}. d only for private handles. */
static napi_value export_raw(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int is_private = 1;
  EVP_PKEY *pkey = argc < 1 ? NULL : unwrap_key(env, argv[0], 1);
  if (pkey == NULL && argc >= 1) {
    is_private = 0;
    pkey = unwrap_key(env, argv[0], 0);
  }
  if (pkey == NULL) return throw_code(env, "WZ_SM2_ARG", "expected a key handle");
  napi_value obj, v;
  CHECK(napi_create_object(env, &obj));
  unsigned char pub[65];
  size_t publen = 0;
  if (EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_PUB_KEY, pub, sizeof pub, &publen) != 1 || publen != 65)
    return throw_code(env, "WZ_SM2_KEY", "cannot read the public point");
  CHECK(napi_create_buffer_copy(env, publen, pub, NULL, &v));
  CHECK(napi_set_named_property(env, obj, "pub", v));
  if (is_private) {
    BIGNUM *d = NULL;
    unsigned char raw[32];
    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1 || BN_bn2binpad(d, raw, 32) != 32) {
      BN_clear_free(d);
      return throw_code(env, "WZ_SM2_KEY", "cannot read the private scalar");
    }
    BN_clear_free(d);
    napi_status st = napi_create_buffer_copy(env, 32, raw, NULL, &v);
    OPENSSL_cleanse(raw, sizeof raw);
    if (st != napi_ok) return throw_code(env, "WZ_SM2_NAPI", "cannot copy");
    CHECK(napi_set_named_property(env, obj, "d", v));
  }
  return obj;
}

/*
 * Returns an EVP_MD_CTX ready for DigestSign/VerifyUpdate+Final with SM3 and the given ID,
 * or NULL. The caller frees it with EVP_MD_CTX_free and then frees *owned (an EVP_PKEY_CTX
 * attached with EVP_MD_CTX_set_pkey_ctx, which the EVP_MD_CTX does not own), if non-NULL.
 */
static EVP_MD_CTX *op_ctx(wz_key *k, const unsigned char *id, size_t idlen, int signing, EVP_PKEY_CTX **owned) {
  *owned = NULL;
  EVP_MD_CTX *mctx = EVP_MD_CTX_new();
  if (mctx == NULL) return NULL;
  if (k->tmpl != NULL && idlen == k->tmpl_idlen && memcmp(id, k->tmpl_id, idlen) == 0) {
    EVP_PKEY_CTX *p = EVP_PKEY_CTX_dup(k->tmpl);
    if (p != NULL) {
      EVP_MD_CTX_set_pkey_ctx(mctx, p);
      *owned = p;
      return mctx;
    }
  }
  EVP_PKEY_CTX *pctx = NULL; /* owned by mctx */
  int ok = signing ? EVP_DigestSignInit(mctx, &pctx, g_sm3, NULL, k->pkey) == 1
                   : EVP_DigestVerifyInit(mctx, &pctx, g_sm3, NULL, k->pkey) == 1;
  ok = ok && EVP_PKEY_CTX_set1_id(pctx, id, (int)idlen) > 0;
  /* A zero-length update makes the provider absorb Z_A now, so the template carries it. */
  ok = ok && (signing ? EVP_DigestSignUpdate(mctx, "", 0) : EVP_DigestVerifyUpdate(mctx, "", 0)) == 1;
  if (!ok) {
    EVP_MD_CTX_free(mctx);
    return NULL;
  }
  if (idlen <= TEMPLATE_ID_MAX) {
    EVP_PKEY_CTX *t = EVP_PKEY_CTX_dup(pctx);
    if (t != NULL) {
      EVP_PKEY_CTX_free(k->tmpl);
      k->tmpl = t;
      memcpy(k->tmpl_id, id, idlen);
      k->tmpl_idlen = idlen;
    }
  }
  ERR_clear_error();
  return mctx;
}

static int get_flag(napi_env env, size_t argc, napi_value *argv, size_t i) {
  bool b = false;
  if (i >= argc) return 0;
  if (napi_get_value_bool(env, argv[i], &b) != napi_ok) return 0;
  return b ? 1 : 0;
}

/* DER SEQUENCE{r, s} -> raw r||s (32 + 32 bytes). Returns 1 on success. */
static int der_to_raw(const unsigned char *der, size_t derlen, unsigned char raw[64]) {
  const unsigned char *p = der;
  ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
  int ok = 0;
  if (sig != NULL) {
    const BIGNUM *r, *s;
    ECDSA_SIG_get0(sig, &r, &s);
    ok = BN_bn2binpad(r, raw, 32) == 32 && BN_bn2binpad(s, raw + 32, 32) == 32;
  }
  ECDSA_SIG_free(sig);
  return ok;
}

/* raw r||s -> DER into out (at most 80 bytes). Returns the length or 0. */
static size_t raw_to_der(const unsigned char raw[64], unsigned char *out, size_t outlen) {
  ECDSA_SIG *sig = ECDSA_SIG_new();
  BIGNUM *r = BN_bin2bn(raw, 32, NULL), *s = BN_bin2bn(raw + 32, 32, NULL);
  size_t len = 0;
  if (sig != NULL && r != NULL && s != NULL && ECDSA_SIG_set0(sig, r, s) == 1) {
    r = s = NULL; /* owned by sig now */
    int n = i2d_ECDSA_SIG(sig, NULL);
    if (n > 0 && (size_t)n <= outlen) {
      unsigned char *q = out;
      len = (size_t)i2d_ECDSA_SIG(sig, &q);
    }
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return len;
}

/* sign(privateHandle, data, id, raw?) -> signature Buffer: DER, or raw r||s (64 bytes) when raw is true. */
static napi_value sign(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3) return throw_code(env, "WZ_SM2_ARG", "sign(key, data, id, raw?)");
  wz_key *key = unwrap_handle(env, argv[0], 1);
  const unsigned char *data, *id;
  size_t datalen, idlen;
  if (key == NULL) return throw_code(env, "WZ_SM2_ARG", "expected a private key handle");
  if (!get_bytes(env, argv[1], &data, &datalen) || !get_bytes(env, argv[2], &id, &idlen))
    return throw_code(env, "WZ_SM2_ARG", "expected Uint8Array data and id");
  if (idlen > 8191) return throw_code(env, "WZ_SM2_ARG", "ID too long");
  unsigned char sig[80];
  size_t siglen = sizeof sig;
  EVP_PKEY_CTX *owned;
  EVP_MD_CTX *mctx = op_ctx(key, id, idlen, 1, &owned);
  int ok = mctx != NULL && EVP_DigestSignUpdate(mctx, data, datalen) == 1 && EVP_DigestSignFinal(mctx, sig, &siglen) == 1;
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_CTX_free(owned);
  if (!ok) return throw_code(env, "WZ_SM2_SIGN", "SM2 signing failed");
  napi_value out;
  if (get_flag(env, argc, argv, 3)) {
    unsigned char raw[64];
    if (!der_to_raw(sig, siglen, raw)) return throw_code(env, "WZ_SM2_SIGN", "SM2 signature conversion failed");
    CHECK(napi_create_buffer_copy(env, 64, raw, NULL, &out));
  } else {
    CHECK(napi_create_buffer_copy(env, siglen, sig, NULL, &out));
  }
  return out;
}

/* verify(publicHandle, data, sig, id, raw?) -> boolean. sig is DER (OpenSSL insists on strict
 * DER without trailing bytes) or, when raw is true, exactly 64 bytes r||s. */
static napi_value verify(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4) return throw_code(env, "WZ_SM2_ARG", "verify(key, data, sig, id, raw?)");
  wz_key *key = unwrap_handle(env, argv[0], 0);
  const unsigned char *data, *sig, *id;
  size_t datalen, siglen, idlen;
  if (key == NULL) return throw_code(env, "WZ_SM2_ARG", "expected a public key handle");
  if (!get_bytes(env, argv[1], &data, &datalen) || !get_bytes(env, argv[2], &sig, &siglen) || !get_bytes(env, argv[3], &id, &idlen))
    return throw_code(env, "WZ_SM2_ARG", "expected Uint8Array data, signature and id");
  if (idlen > 8191) return throw_code(env, "WZ_SM2_ARG", "ID too long");
  unsigned char derbuf[80];
  if (get_flag(env, argc, argv, 4)) {
    if (siglen != 64) return throw_code(env, "WZ_SM2_ARG", "raw signature must be 64 bytes");
    siglen = raw_to_der(sig, derbuf, sizeof derbuf);
    if (siglen == 0) return throw_code(env, "WZ_SM2_VERIFY", "signature conversion failed");
    sig = derbuf;
  }
  EVP_PKEY_CTX *owned;
  EVP_MD_CTX *mctx = op_ctx(key, id, idlen, 0, &owned);
  int setup_ok = mctx != NULL;
  int rc = setup_ok && EVP_DigestVerifyUpdate(mctx, data, datalen) == 1 ? EVP_DigestVerifyFinal(mctx, sig, siglen) : -1;
  EVP_MD_CTX_free(mctx);
  EVP_PKEY_CTX_free(owned);
  ERR_clear_error();
  if (!setup_ok) return throw_code(env, "WZ_SM2_VERIFY", "SM2 verification could not run");
  napi_value out;
  CHECK(napi_get_boolean(env, rc == 1, &out));
  return out;
}

/* SM3 is fetched once per process (worker threads share it; EVP_MD is reference-counted and
 * safe to use concurrently). */
static pthread_once_t g_once = PTHREAD_ONCE_INIT;
static void fetch_sm3(void) { g_sm3 = EVP_MD_fetch(NULL, "SM3", NULL); }

static napi_value init(napi_env env, napi_value exports) {
  pthread_once(&g_once, fetch_sm3);
  if (g_sm3 == NULL) return throw_code(env, "WZ_SM2_INIT", "OpenSSL has no SM3");
  napi_property_descriptor props[] = {
      {"importPrivate", NULL, import_private, NULL, NULL, NULL, napi_enumerable, NULL},
      {"importPublic", NULL, import_public, NULL, NULL, NULL, napi_enumerable, NULL},
      {"generate", NULL, generate, NULL, NULL, NULL, napi_enumerable, NULL},
      {"publicOf", NULL, public_of, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exportRaw", NULL, export_raw, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sign", NULL, sign, NULL, NULL, NULL, napi_enumerable, NULL},
      {"verify", NULL, verify, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
