/*
 * Tests for the frame header helpers: the length bounds at both edges and the
 * byte order of the header.
 */
#include "common/frame.h"

#include <check.h>
#include <stdlib.h>

#include "common/err.h"

START_TEST(test_frame_check_len_bounds)
{
    ck_assert_int_eq(frame_check_len(0), SAFER_E_FRAME);
    ck_assert_int_eq(frame_check_len(15), SAFER_E_FRAME);
    ck_assert_int_eq(frame_check_len(16), 0);
    ck_assert_int_eq(frame_check_len(65535), 0);
    ck_assert_int_eq(frame_check_len(65536), SAFER_E_FRAME);
    ck_assert_int_eq(frame_check_len((size_t)-1), SAFER_E_FRAME);
}
END_TEST

START_TEST(test_frame_header_is_big_endian)
{
    uint8_t hdr[FRAME_HDR_BYTES];

    frame_put_len(hdr, 0x1234);
    ck_assert_uint_eq(hdr[0], 0x12);
    ck_assert_uint_eq(hdr[1], 0x34);
    ck_assert_uint_eq(frame_get_len(hdr), 0x1234);
}
END_TEST

START_TEST(test_frame_header_round_trips_edges)
{
    const size_t lens[] = { 16, 255, 256, 65535 };
    uint8_t hdr[FRAME_HDR_BYTES];

    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        frame_put_len(hdr, lens[i]);
        ck_assert_uint_eq(frame_get_len(hdr), lens[i]);
    }
    frame_put_len(hdr, 65535);
    ck_assert_uint_eq(hdr[0], 0xff);
    ck_assert_uint_eq(hdr[1], 0xff);
}
END_TEST

START_TEST(test_frame_rejects_oversize)
{
    /* A header can never say more than 65535, but a zero or short one must fail. */
    uint8_t hdr[FRAME_HDR_BYTES] = { 0x00, 0x0f };

    ck_assert_uint_eq(frame_get_len(hdr), 15);
    ck_assert_int_eq(frame_check_len(frame_get_len(hdr)), SAFER_E_FRAME);
    hdr[1] = 0x00;
    ck_assert_int_eq(frame_check_len(frame_get_len(hdr)), SAFER_E_FRAME);
    hdr[0] = 0xff;
    hdr[1] = 0xff;
    ck_assert_int_eq(frame_check_len(frame_get_len(hdr)), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("frame");
    TCase *tc = tcase_create("frame");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_frame_check_len_bounds);
    tcase_add_test(tc, test_frame_header_is_big_endian);
    tcase_add_test(tc, test_frame_header_round_trips_edges);
    tcase_add_test(tc, test_frame_rejects_oversize);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
