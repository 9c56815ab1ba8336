{
  "targets": [
    {
      "target_name": "wz_sm2",
      "sources": ["src/wz_sm2.c"],
      "defines": ["NAPI_VERSION=8", "OPENSSL_API_COMPAT=30000", "OPENSSL_NO_DEPRECATED"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='mac'", { "xcode_settings": { "OTHER_LDFLAGS": ["-undefined", "dynamic_lookup"] } }]
      ]
    }
  ]
}
