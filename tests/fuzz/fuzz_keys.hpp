#pragma once
/// The fixed keys of the jwt target and of the tokens in its seed corpus (make_seeds.cpp signs
/// them): fixed so that a seed token's signature stays valid between runs and machines. Test
/// keys, generated for this purpose only; they protect nothing.

namespace pms::fuzz {

/// The HS256 shared secret.
inline constexpr const char* kHs256Secret = "pms-fuzz-hs256-secret-0123456789abcdef";
/// The kids of the two keys of the JWKS.
inline constexpr const char* kRsaKid = "fuzz-rsa";
inline constexpr const char* kEcKid = "fuzz-ec";
inline constexpr const char* kAudience = "pms-api";
inline constexpr const char* kIssuer = "https://issuer.example";

/// RSA 2048 (RS256), PKCS #8.
inline constexpr const char* kRsaPrivateKeyPem = R"(
-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC95h0jtFcKMvdW
FJl9248iOwChsaszkt1Dofou918xjT1LkarNXu6CvgNwBBNE9IBPgKisXFnLju4m
6HlUVSwpjuJkUTAWvvlNcPpv/cbfRpsO6qX6tvgYSUeL+CjxA2CbQVThPCTfMIN/
HlD0P4jPwL+7hXKyyvDpCatwdNQGBXM1A6bXhQRB78mE7PZewd51O2oY0Rq1w44m
GYlfSFoKkaX7LRERp0VCU5q+tMDvIh0tDaAlWTYhk7GOZuEOXbpyiVPQiLP9pQu4
8tMbjRsCGNxrhlDegWR/OqUFypoeWUtUuvY6G9YUZZNM1/N2dbZ40JcWNQJtD8B6
OgY2TcXxAgMBAAECggEABnzZHAIqQxfwqUk04T7iCfpYEC4gujdXRds/z+D1qJy5
rl5AppmKrn7NYUNSYTW1OIIdwR26l6C/dCbXFlF+m8Dc7S505SILJGEqvS6/X5tq
6ryLhSBBI5tFTXvh8jH6V/OIcdV7MQDYTTx86YtOIkLkigSKIZ+bUWraJ5JmN/pi
nmSx9AQ0MESFndMUS13PpzINWmRUe8sZco+TcLutNwNwPFAQvCXpOLMjteKmHQyI
tSayRtcmdjdt6RHjJ7Opl9tNca+XPeX7x7Q4ZK6FoPCIZ+BNrlvAAhIrII8cYI/m
hZuxcUE+/9dyeR7cYOpmr59kFSOJdXdVpUvWphFQEQKBgQDhsKaalm8qPDtkFtS5
K+Rvni7pfaRoa2n7QZVUHZhN+Rfz390DyqzyMf1usQjGMgGywis5F3MSGTnX+0bu
cxv+/SZgKY18abVrIrA9Sjxoox2FMj7rzJAfnR7jzdjwKCRvfGhmOFzetqoG0TKz
g5PqYgItF4aSJx2gsWHKhek9fQKBgQDXZvFq1/3ujIpyp0w/qcNcqOP25Nf8taU8
uLkIDuimWA+QEBLDDF0RtSs/t2u46lR3fOdFJjQyvXkMoEvxDYADFp0AHcXxxspG
o8B1eLbDlUX2j/q5t8u5hvY6yidLjpXry0N229Jf3CNUnyqCZ2qW63bAX3QsPhSG
2BxFE0xkhQKBgQCQ/KErMnVb1rH4zMn/43ivVBmjGnoiMs81AJ7kGNcdUGbY3vnn
U67jMMY09DpEyR9aLW8DEFN2Twpf/CdHTF+x4gNjR46DXI2VtAUwep5wQknWpb7S
UOpNxOxxQG6bac5uaKfQ82iGEycLlh1SQbcmnav0N+bVwZdBAnNmXbzHKQKBgFEY
vte9Diub2hwkhH6LibP/GiTAL9lDAj0ERxWTl1/ZU7KneojYxMl/7hKFGhd6keaS
rffI1GouD78DMtREguemweFjVD0c3NcPm8wecKDeOIMF3h3B5v+ooler+HNn8WXf
Fz1OsbvJg7u+WSDTkrvTVthCl9h4Xv4Nq0cOZvqJAoGBAM7w6tk9n65G5UdSGUbV
4gEK7VDhMDCFp0yokxdxk8+yfgKPCVjgEAwdKeBb+VVe+Pdy3X50nOawK6YhvUgG
JDKsk9idy6e3RW232EXcdsHfzAjmq6uHbNgC8nhPHMWr2+xqbDCyzAJMW4QRD7/9
jF59B8c5EJwISDC7u2mlaTyo
-----END PRIVATE KEY-----
)";

/// P-256 (ES256), PKCS #8.
inline constexpr const char* kEcPrivateKeyPem = R"(
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwVNlcO4gcCoX7BZ2
jUcGYv/wJPVXoMWQQ1JjArpTgGehRANCAATBa8AaNOuv0EdUIRCYY7YWnz+MAGg4
AecAnUmlokMSPHQ8aDSTMweQJJPryy2bkUrREurSkY0adX4WsN6eZalR
-----END PRIVATE KEY-----
)";

}  // namespace pms::fuzz
