#include "fcgi/auth/jwks.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/json.hpp"
#include "fcgi/auth/base64url.hpp"
#include "tests/support/jwt_sign.hpp"
#include "tests/unit/api/rfc7515_vectors.hpp"

namespace {

using pms::api::auth::Jwk;
using pms::api::auth::JwksError;
using pms::api::auth::parse_jwks;

// RFC 7515 Appendix A.2 and A.3.
const char* const kRfcRsaN = pms::test::rfc7515::kA2Modulus;
const char* const kRfcEcX = pms::test::rfc7515::kA3X;
const char* const kRfcEcY = pms::test::rfc7515::kA3Y;

std::string document(const Json::Value& key) {
    Json::Value jwks(Json::objectValue);
    jwks["keys"].append(key);
    return pms::json::compact(jwks);
}

Json::Value rsa_jwk() {
    Json::Value key(Json::objectValue);
    key["kty"] = "RSA";
    key["n"] = kRfcRsaN;
    key["e"] = "AQAB";
    return key;
}

Json::Value ec_jwk() {
    Json::Value key(Json::objectValue);
    key["kty"] = "EC";
    key["crv"] = "P-256";
    key["x"] = kRfcEcX;
    key["y"] = kRfcEcY;
    return key;
}

std::string error_of(std::string_view text) {
    try {
        parse_jwks(text);
    } catch (const JwksError& error) {
        return error.what();
    }
    return "parsed";
}

TEST(Jwks, ReadsRsaAndP256KeysWithTheirMembers) {
    Json::Value rsa = rsa_jwk();
    rsa["kid"] = "2010-12-29";
    rsa["use"] = "sig";
    rsa["alg"] = "RS256";
    Json::Value jwks(Json::objectValue);
    jwks["keys"].append(rsa);
    jwks["keys"].append(ec_jwk());
    const std::vector<Jwk> keys = parse_jwks(pms::json::compact(jwks));
    ASSERT_EQ(keys.size(), 2U);
    EXPECT_EQ(keys[0].kid, "2010-12-29");
    EXPECT_EQ(keys[0].use, "sig");
    EXPECT_EQ(keys[0].alg, "RS256");
    EXPECT_EQ(keys[0].key.algorithm(), "RS256");
    EXPECT_FALSE(keys[1].kid);
    EXPECT_FALSE(keys[1].use);
    EXPECT_FALSE(keys[1].alg);
    EXPECT_EQ(keys[1].key.algorithm(), "ES256");
}

TEST(Jwks, AnEmptySetHasNoKeys) {
    EXPECT_TRUE(parse_jwks(R"({"keys": []})").empty());
}

TEST(Jwks, SkipsUnsupportedKeyTypesAndCurves) {
    Json::Value jwks(Json::objectValue);
    jwks["keys"].append(Json::Value(Json::objectValue));
    jwks["keys"][0]["kty"] = "oct";
    jwks["keys"][0]["k"] = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T";
    jwks["keys"].append(Json::Value(Json::objectValue));
    jwks["keys"][1]["kty"] = "OKP";
    jwks["keys"][1]["crv"] = "Ed25519";
    jwks["keys"][1]["x"] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    Json::Value p384 = ec_jwk();
    p384["crv"] = "P-384";
    jwks["keys"].append(p384);
    jwks["keys"].append(ec_jwk());
    const std::vector<Jwk> keys = parse_jwks(pms::json::compact(jwks));
    ASSERT_EQ(keys.size(), 1U);
    EXPECT_EQ(keys[0].key.algorithm(), "ES256");
}

TEST(Jwks, RefusesAMalformedDocument) {
    EXPECT_EQ(error_of("{\"keys\": [}").rfind("JWKS is not valid JSON: ", 0), 0U);
    EXPECT_EQ(error_of("[]"), "JWKS is not an object with a keys array");
    EXPECT_EQ(error_of("{}"), "JWKS is not an object with a keys array");
    EXPECT_EQ(error_of(R"({"keys": {}})"), "JWKS is not an object with a keys array");
    EXPECT_EQ(error_of(R"({"keys": [1]})"), "JWKS key 0: not an object");
    EXPECT_EQ(error_of(R"({"keys": [{"kid": "a"}]})"),
              "JWKS key 0 (kid a): kty is missing or not a string");
}

TEST(Jwks, NamesTheMalformedKeyAndWhatIsWrong) {
    Json::Value no_n = rsa_jwk();
    no_n.removeMember("n");
    no_n["kid"] = "k1";
    EXPECT_EQ(error_of(document(no_n)), "JWKS key 0 (kid k1): n is missing or not a string");

    Json::Value padded_e = rsa_jwk();
    padded_e["e"] = "AQAB==";
    EXPECT_EQ(error_of(document(padded_e)), "JWKS key 0: e is not non-empty unpadded base64url");

    Json::Value no_crv = ec_jwk();
    no_crv.removeMember("crv");
    EXPECT_EQ(error_of(document(no_crv)), "JWKS key 0: crv is missing or not a string");

    Json::Value short_x = ec_jwk();
    short_x["x"] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVA";
    EXPECT_EQ(error_of(document(short_x)), "JWKS key 0: P-256 coordinates must be 32 bytes each");

    Json::Value number_kid = ec_jwk();
    number_kid["kid"] = 7;
    EXPECT_EQ(error_of(document(number_kid)), "JWKS key 0: kid is not a string");

    Json::Value number_use = ec_jwk();
    number_use["use"] = true;
    EXPECT_EQ(error_of(document(number_use)), "JWKS key 0: use is not a string");

    // The index counts every key, skipped ones too.
    Json::Value jwks(Json::objectValue);
    jwks["keys"].append(ec_jwk());
    jwks["keys"][0]["crv"] = "P-521";
    jwks["keys"].append(no_n);
    EXPECT_EQ(error_of(pms::json::compact(jwks)),
              "JWKS key 1 (kid k1): n is missing or not a string");
}

TEST(Jwks, RefusesAPointOffTheCurve) {
    Json::Value off = ec_jwk();
    std::string y = *pms::api::auth::base64url_decode(kRfcEcY);
    y.back() = static_cast<char>(y.back() ^ 1);
    off["y"] = pms::api::auth::base64url_encode(y);
    off["kid"] = "bent";
    const std::string error = error_of(document(off));
    EXPECT_EQ(error.rfind("JWKS key 0 (kid bent): P-256 point (x, y) ", 0), 0U) << error;
}

TEST(Jwks, RefusesRsaKeysUnder2048Bits) {
    const pms::test::PrivateKey small = pms::test::generate_rsa_key(1024);
    EXPECT_EQ(error_of(pms::test::jwks_for(small.get(), "old")),
              "JWKS key 0 (kid old): RSA key has 1024 bits, under the 2048 minimum");
}

TEST(Jwks, RefusesAnEvenModulus) {
    Json::Value even = rsa_jwk();
    std::string n = *pms::api::auth::base64url_decode(kRfcRsaN);
    n.back() = static_cast<char>(n.back() & ~1);
    even["n"] = pms::api::auth::base64url_encode(n);
    const std::string error = error_of(document(even));
    EXPECT_EQ(error.rfind("JWKS key 0: RSA key fails the public key check", 0), 0U) << error;
}

TEST(Jwks, RefusesTwoKeysOfOneTypeWithOneKid) {
    Json::Value jwks(Json::objectValue);
    jwks["keys"].append(ec_jwk());
    jwks["keys"].append(ec_jwk());
    jwks["keys"].append(rsa_jwk());
    for (Json::Value& key : jwks["keys"]) {
        key["kid"] = "same";
    }
    EXPECT_EQ(error_of(pms::json::compact(jwks)),
              "JWKS key 1 (kid same): another ES256 key has the same kid");
    // One RSA and one EC key may share a kid (RFC 7517 §4.5): the token's alg tells them apart.
    jwks["keys"].removeIndex(1, nullptr);
    EXPECT_EQ(parse_jwks(pms::json::compact(jwks)).size(), 2U);
}

TEST(Jwks, AKeyFitsItsOwnAlgorithmUnlessUseOrAlgSayOtherwise) {
    Json::Value jwks(Json::objectValue);
    jwks["keys"].append(rsa_jwk());
    jwks["keys"].append(rsa_jwk());
    jwks["keys"][1]["use"] = "enc";
    jwks["keys"].append(rsa_jwk());
    jwks["keys"][2]["alg"] = "RS384";
    jwks["keys"].append(ec_jwk());
    jwks["keys"][3]["use"] = "sig";
    jwks["keys"][3]["alg"] = "ES256";
    const std::vector<Jwk> keys = parse_jwks(pms::json::compact(jwks));
    ASSERT_EQ(keys.size(), 4U);
    EXPECT_TRUE(keys[0].fits("RS256"));
    EXPECT_FALSE(keys[0].fits("ES256"));
    EXPECT_FALSE(keys[0].fits("HS256"));
    EXPECT_FALSE(keys[1].fits("RS256"));
    EXPECT_FALSE(keys[2].fits("RS256"));
    EXPECT_TRUE(keys[3].fits("ES256"));
    EXPECT_FALSE(keys[3].fits("RS256"));
}

}  // namespace
