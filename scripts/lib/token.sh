# shellcheck shell=bash
# Tokens for the local stack (`scripts/stack token`, README "Authentication"),
# signed with its HS256 secret (paths_jwt_secret).

# base64url without padding (RFC 7515 section 2) of stdin.
token_base64url() {
    openssl base64 -A | tr '+/' '-_' | tr -d '='
}

# Prints a token for user USER_ID: token_mint USER_ID ADMIN(0|1) TTL_SECONDS, signed with
# TOKEN_SECRET when set (another deployment's secret), else the stack's.
token_mint() {
    local user=$1 admin=$2 ttl=$3 now header payload signature role=""
    [[ "$user" =~ ^[1-9][0-9]{0,17}$ ]] || die "token: the user id must be a positive integer, not '$user'"
    [[ "$ttl" =~ ^[1-9][0-9]{0,8}$ ]] || die "token: --ttl must be a positive number of seconds, not '$ttl'"
    ((admin)) && role=',"role":"admin"'
    now=$(date +%s)
    header=$(printf '{"alg":"HS256","typ":"JWT"}' | token_base64url)
    payload=$(printf '{"sub":"%s"%s,"iat":%d,"exp":%d}' "$user" "$role" "$now" "$((now + ttl))" |
        token_base64url)
    signature=$(printf '%s.%s' "$header" "$payload" |
        openssl dgst -sha256 -mac HMAC -macopt "key:${TOKEN_SECRET:-$(paths_jwt_secret)}" -binary | token_base64url)
    printf '%s.%s.%s\n' "$header" "$payload" "$signature"
}
