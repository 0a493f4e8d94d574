/*
 * Hostile and broken peers: each one loses its own connection and nothing
 * else. A well-behaved client that connected before the misbehaving one
 * finishes its requests afterwards, and a wrong pinned key fails clearly.
 */
#include <check.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/chan.h"
#include "common/keyfile.h"
#include "common/noise.h"
#include "common/pb.h"
#include "support/harness.h"

static hx_server srv;
static hx_result res;
static char home[HX_PATH_MAX];
static uint8_t server_pk[32];
static uint8_t admin_sk[32];
static hx_raw good; /* the admin's session, open before each hostile peer */

static void setup(void)
{
    char keypath[HX_PATH_MAX + 16];
    const char *const extra[] = { "--handshake-timeout-ms", "2000", NULL };

    ck_assert_int_eq(hx_server_init(&srv, NULL), 0);
    ck_assert_int_eq(hx_server_start(&srv, extra), 0);
    hx_home(&srv, "admin", home, sizeof(home));
    hx_safer(home, &res, "enrol", srv.invite);
    ck_assert_msg(res.status == 0, "enrol failed: %s", res.err);
    ck_assert_int_eq(hx_server_pk(&srv, server_pk), 0);
    snprintf(keypath, sizeof(keypath), "%s/key", home);
    ck_assert_int_eq(keyfile_read(keypath, admin_sk, NULL), 0);
    ck_assert_int_eq(hx_raw_open(&good, &srv, server_pk, admin_sk, 0), 0);
}

static void teardown(void)
{
    int rc;

    hx_raw_close(&good);
    rc = hx_server_stop(&srv);
    hx_server_cleanup(&srv);
    ck_assert_int_eq(rc, 0);
}

/* One request over a raw session; returns the response (caller frees). */
static Safer__Response *raw_call(hx_raw *r, Safer__Request *rq, pb_budget *b)
{
    uint8_t *buf = NULL, *reply = NULL;
    size_t len = 0, rlen = 0;
    Safer__Response *rs = NULL;

    ck_assert_int_eq(pb_request_pack(rq, &buf, &len), 0);
    if (hx_raw_send(r, buf, len) == 0 && hx_raw_recv(r, &reply, &rlen, 5000) == 0)
        rs = pb_response_unpack(b, reply, rlen);
    free(buf);
    free(reply);
    return rs;
}

/* The good session still answers, and so does a new connection. */
static void assert_others_served(void)
{
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__WhoamiRequest who = SAFER__WHOAMI_REQUEST__INIT;
    Safer__Response *rs;
    pb_budget b;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    rq.id = 7;
    rq.body_case = SAFER__REQUEST__BODY_WHOAMI;
    rq.whoami = &who;
    rs = raw_call(&good, &rq, &b);
    ck_assert_ptr_nonnull(rs);
    ck_assert_int_eq(rs->id, 7);
    ck_assert_int_eq(rs->status, SAFER__STATUS__OK);
    ck_assert_int_eq(rs->body_case, SAFER__RESPONSE__BODY_WHOAMI);
    ck_assert_str_eq(rs->whoami->initials, "AD");
    pb_response_free(&b, rs);
    ck_assert_uint_eq(b.used, 0);

    hx_safer(home, &res, "ping");
    ck_assert_msg(res.status == 0, "ping after the hostile peer failed: %s", res.err);
}

START_TEST(test_garbage_closes_only_that_connection)
{
    uint8_t junk[1026];
    int fd = hx_connect(&srv);

    ck_assert_int_ge(fd, 0);
    randombytes_buf(junk, sizeof(junk));
    junk[0] = 0x01; /* a valid length (256) so the server reads a whole bogus message 1 */
    junk[1] = 0x00;
    ck_assert_int_eq(hx_raw_write(fd, junk, sizeof(junk)), 0);
    ck_assert_int_eq(hx_wait_closed(fd, 1500), 1);
    close(fd);
    assert_others_served();
}
END_TEST

START_TEST(test_bad_lengths_close_the_connection)
{
    /* 0 and 15 are below the smallest Noise message; 0xffff announces a
     * frame that is never sent and then the peer gives up mid-frame. */
    static const uint8_t bad[][2] = { { 0x00, 0x00 }, { 0x00, 0x0f } };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int fd = hx_connect(&srv);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(hx_raw_write(fd, bad[i], 2), 0);
        ck_assert_msg(hx_wait_closed(fd, 1500) == 1, "length %u was not refused",
            (unsigned)(bad[i][0] << 8 | bad[i][1]));
        close(fd);
    }
    assert_others_served();
}
END_TEST

START_TEST(test_oversized_message_closes_the_connection)
{
    /* Past the server's bound on a reassembled message: every frame is
     * valid, but together they are larger than any request may be. */
    size_t big = CHAN_MSG_MAX_DEFAULT + 2 * CHAN_PIECE_MAX;
    uint8_t *buf = calloc(1, big);
    uint8_t sk[32], pk[32];
    hx_raw r;
    int sent;

    ck_assert_ptr_nonnull(buf);
    ck_assert_int_eq(noise_keypair(sk, pk), 0);
    ck_assert_int_eq(hx_raw_open(&r, &srv, server_pk, sk, big + 1), 0);
    sent = hx_raw_send(&r, buf, big);
    ck_assert_msg(
        sent != 0 || hx_wait_closed(r.fd, 3000) == 1, "a message over the bound was accepted");
    hx_raw_close(&r);
    free(buf);
    assert_others_served();
}
END_TEST

START_TEST(test_unenrolled_key_cannot_send_large_messages)
{
    /* A key that never enrolled may only enrol, which takes a few hundred
     * bytes: a well-formed enrol request far larger than that is refused
     * before it is held, and the connection closes. */
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__EnrolRequest en = SAFER__ENROL_REQUEST__INIT;
    static char code[8192];
    uint8_t *buf = NULL;
    size_t len = 0;
    uint8_t sk[32], pk[32];
    hx_raw r;

    memset(code, 'A', sizeof(code) - 1);
    en.code = code;
    rq.id = 1;
    rq.body_case = SAFER__REQUEST__BODY_ENROL;
    rq.enrol = &en;
    ck_assert_int_eq(pb_request_pack(&rq, &buf, &len), 0);
    ck_assert_int_eq(noise_keypair(sk, pk), 0);
    ck_assert_int_eq(hx_raw_open(&r, &srv, server_pk, sk, 0), 0);
    ck_assert_int_eq(hx_raw_send(&r, buf, len), 0);
    ck_assert_int_eq(hx_wait_closed(r.fd, 3000), 1);
    hx_raw_close(&r);
    free(buf);
    assert_others_served();
}
END_TEST

START_TEST(test_enrolled_session_may_send_larger_requests)
{
    /* The same size from the enrolled admin is read and answered: the ping
     * is refused for its payload, and the session goes on. */
    Safer__Request rq = SAFER__REQUEST__INIT;
    Safer__PingRequest ping = SAFER__PING_REQUEST__INIT;
    static uint8_t data[8192];
    Safer__Response *rs;
    pb_budget b;

    pb_budget_init(&b, PB_BUDGET_DEFAULT);
    ping.data.data = data;
    ping.data.len = sizeof(data);
    rq.id = 9;
    rq.body_case = SAFER__REQUEST__BODY_PING;
    rq.ping = &ping;
    rs = raw_call(&good, &rq, &b);
    ck_assert_ptr_nonnull(rs);
    ck_assert_int_eq(rs->status, SAFER__STATUS__INVALID_ARGUMENT);
    pb_response_free(&b, rs);
    assert_others_served();
}
END_TEST

START_TEST(test_truncated_handshake_closes_the_connection)
{
    uint8_t part[2 + 20] = { 0x00, 0x30 }; /* announces 48 bytes, sends 20 */
    int fd = hx_connect(&srv);

    ck_assert_int_ge(fd, 0);
    randombytes_buf(part + 2, 20);
    ck_assert_int_eq(hx_raw_write(fd, part, sizeof(part)), 0);
    shutdown(fd, SHUT_WR);
    ck_assert_int_eq(hx_wait_closed(fd, 1500), 1);
    close(fd);
    assert_others_served();
}
END_TEST

START_TEST(test_flipped_ciphertext_byte_closes_the_connection)
{
    static const uint8_t msg[] = { 0x08, 0x01 }; /* any request body will do */
    uint8_t sk[32], pk[32];
    hx_raw r;

    ck_assert_int_eq(noise_keypair(sk, pk), 0);
    ck_assert_int_eq(hx_raw_open(&r, &srv, server_pk, sk, 0), 0);
    r.flip_next = 1;
    ck_assert_int_eq(hx_raw_send(&r, msg, sizeof(msg)), 0);
    ck_assert_int_eq(hx_wait_closed(r.fd, 1500), 1);
    hx_raw_close(&r);
    assert_others_served();
}
END_TEST

/* Keeps the first frame a channel emits. */
static int capture_frame(void *ctx, const uint8_t *frame, size_t len)
{
    uint8_t *buf = ctx;

    if (len > 2 + 64)
        return -1;
    memcpy(buf, frame, len);
    return 0;
}

START_TEST(test_flipped_handshake_byte_closes_the_connection)
{
    uint8_t msg1[2 + 64] = { 0 };
    uint8_t sk[32], pk[32];
    chan *ch = NULL;
    size_t len;
    int fd;

    /* A genuine message 1 for this server, with one byte of its tag flipped. */
    ck_assert_int_eq(noise_keypair(sk, pk), 0);
    chan_config cfg
        = { .initiator = 1, .s = sk, .rs = server_pk, .emit = capture_frame, .emit_ctx = msg1 };
    ck_assert_int_eq(chan_new(&ch, &cfg), 0);
    ck_assert_int_eq(chan_start(ch), 0);
    chan_free(ch);
    len = (size_t)msg1[0] << 8 | msg1[1];
    ck_assert_uint_eq(len, 48);
    msg1[2 + len - 1] ^= 0x80;
    fd = hx_connect(&srv);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(hx_raw_write(fd, msg1, 2 + len), 0);
    ck_assert_int_eq(hx_wait_closed(fd, 1500), 1);
    close(fd);
    assert_others_served();
}
END_TEST

START_TEST(test_wrong_pinned_key_fails_clearly)
{
    char bad[600], other[HX_PATH_MAX], b64[44];
    uint8_t wrong[32];
    const char *slash;

    /* The same invite with another server key in it. */
    randombytes_buf(wrong, sizeof(wrong));
    keyfile_b64_encode32(wrong, b64);
    slash = strchr(srv.invite + strlen("safer://"), '/');
    ck_assert_ptr_nonnull(slash);
    snprintf(
        bad, sizeof(bad), "%.*s/%s%s", (int)(slash - srv.invite), srv.invite, b64, slash + 1 + 43);
    hx_home(&srv, "pinned-wrong", other, sizeof(other));
    hx_safer(other, &res, "enrol", bad);
    ck_assert_int_eq(res.status, 1);
    ck_assert_msg(strstr(res.err, "handshake") != NULL, "message was: %s", res.err);
    ck_assert_msg(strstr(res.err, "server key") != NULL, "message was: %s", res.err);
    assert_others_served();
}
END_TEST

START_TEST(test_silent_connection_closed_at_deadline)
{
    int fd = hx_connect(&srv);

    ck_assert_int_ge(fd, 0);
    /* The deadline is 2 s in this suite; allow generous slack for CI. */
    ck_assert_int_eq(hx_wait_closed(fd, 10000), 1);
    close(fd);
    ck_assert(hx_log_contains(&srv, "handshake", 2000));
    /* The good session outlived the deadline: the timer ends with the handshake. */
    assert_others_served();
}
END_TEST

static Suite *hostile_suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("one connection at a time");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_garbage_closes_only_that_connection);
    tcase_add_test(tc, test_bad_lengths_close_the_connection);
    tcase_add_test(tc, test_oversized_message_closes_the_connection);
    tcase_add_test(tc, test_unenrolled_key_cannot_send_large_messages);
    tcase_add_test(tc, test_enrolled_session_may_send_larger_requests);
    tcase_add_test(tc, test_truncated_handshake_closes_the_connection);
    tcase_add_test(tc, test_flipped_ciphertext_byte_closes_the_connection);
    tcase_add_test(tc, test_flipped_handshake_byte_closes_the_connection);
    tcase_add_test(tc, test_wrong_pinned_key_fails_clearly);
    tcase_add_test(tc, test_silent_connection_closed_at_deadline);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hostile_suite());
    int failed;

    signal(SIGPIPE, SIG_IGN);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
