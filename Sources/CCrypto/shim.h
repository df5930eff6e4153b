#ifndef WHICHTOK_CCRYPTO_SHIM_H
#define WHICHTOK_CCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

/*
 * An HMAC-SHA-256 context holding `key` (EVP_MAC "HMAC" with digest SHA256), or NULL when libcrypto
 * cannot make one. OSSL_PARAM lists are C arrays of structs, awkward from Swift; this builds one.
 * Each message is then MACed on an EVP_MAC_CTX_dup of it, so the key is processed only once.
 */
static inline EVP_MAC_CTX *whichtok_hmac_sha256_new(const unsigned char *key, size_t length) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (context == NULL) return NULL;
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_MAC_init(context, key, length, params) != 1) {
        EVP_MAC_CTX_free(context);
        return NULL;
    }
    return context;
}

#endif
