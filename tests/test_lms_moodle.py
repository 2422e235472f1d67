"""Moodle's "Download all submissions" layouts read from their member paths.

Every member list is written from the layouts of ../shared/research/lms-formats.md (sections 1.1,
1.2 and 10): both spellings (>= 4.1 and 3.1-4.0), folders and flat mode, online text, blind marking,
team submissions. Each test asserts the exact participant ids, names and files.
"""

from __future__ import annotations

from pathlib import PurePosixPath as P

from grader.lms.moodle import MoodleDownload, MoodleSubmission, choose_notebook, moodle_submissions


def read(*members: str) -> MoodleDownload:
    return moodle_submissions(P(m) for m in members)


def who(download: MoodleDownload) -> list[tuple[str, str, bool, tuple[str, ...]]]:
    return [(s.participant_id, s.display_name, s.blind, tuple(map(str, s.files))) for s in download.submissions]


def test_folders_as_moodle_4_1_writes_them():
    download = read(
        "Jane Doe_1234567_assignsubmission_file/hw1.ipynb",
        "Jan Kowalski_7654321_assignsubmission_file/lab.ipynb",
        "Jan Kowalski_7654321_assignsubmission_file/data/points.csv",
    )
    assert who(download) == [
        ("1234567", "Jane Doe", False, ("Jane Doe_1234567_assignsubmission_file/hw1.ipynb",)),
        (
            "7654321",
            "Jan Kowalski",
            False,
            (
                "Jan Kowalski_7654321_assignsubmission_file/data/points.csv",
                "Jan Kowalski_7654321_assignsubmission_file/lab.ipynb",
            ),
        ),
    ]
    assert download.unrecognised == ()
    assert download.submissions[0].plugins == ("file",)


def test_folders_as_moodle_3_1_to_4_0_write_them_with_a_trailing_underscore():
    download = read("Jane Doe_1234567_assignsubmission_file_/hw1.ipynb")
    assert who(download) == [("1234567", "Jane Doe", False, ("Jane Doe_1234567_assignsubmission_file_/hw1.ipynb",))]
    assert download.unrecognised == ()


def test_flat_mode_prefixes_every_file():
    download = read(
        "Jane Doe_1234567_assignsubmission_file_hw1.ipynb",
        "Jane Doe_1234567_assignsubmission_file_helpers.py",
    )
    assert who(download) == [
        (
            "1234567",
            "Jane Doe",
            False,
            (
                "Jane Doe_1234567_assignsubmission_file_helpers.py",
                "Jane Doe_1234567_assignsubmission_file_hw1.ipynb",
            ),
        )
    ]


def test_online_text_joins_the_files_of_the_same_participant():
    download = read(
        "Jane Doe_1234567_assignsubmission_file/hw1.ipynb",
        "Jane Doe_1234567_assignsubmission_onlinetext/onlinetext.html",
        "Jane Doe_1234567_assignsubmission_onlinetext/plot.png",
    )
    (jane,) = download.submissions
    assert jane.files == (
        P("Jane Doe_1234567_assignsubmission_file/hw1.ipynb"),
        P("Jane Doe_1234567_assignsubmission_onlinetext/onlinetext.html"),
        P("Jane Doe_1234567_assignsubmission_onlinetext/plot.png"),
    )
    assert jane.online_text == P("Jane Doe_1234567_assignsubmission_onlinetext/onlinetext.html")
    assert jane.plugins == ("file", "onlinetext")


def test_online_text_in_the_older_spelling_flat_and_translated():
    older = read("Jane Doe_1234567_assignsubmission_onlinetext_/onlinetext.html").submissions[0]
    flat = read("Jane Doe_1234567_assignsubmission_onlinetext_onlinetext.html").submissions[0]
    polish = read("Jane Doe_1234567_assignsubmission_onlinetext/tekstonline.html").submissions[0]
    assert older.online_text == P("Jane Doe_1234567_assignsubmission_onlinetext_/onlinetext.html")
    assert flat.online_text == P("Jane Doe_1234567_assignsubmission_onlinetext_onlinetext.html")
    assert polish.online_text == P("Jane Doe_1234567_assignsubmission_onlinetext/tekstonline.html")


def test_a_file_submission_has_no_online_text():
    assert read("Jane Doe_1234567_assignsubmission_file/page.html").submissions[0].online_text is None


def test_blind_marking_names_every_participant_participant():
    download = read(
        "Participant_1234567_assignsubmission_file/hw1.ipynb",
        "Participant_2345678_assignsubmission_file_/hw1.ipynb",
    )
    assert who(download) == [
        ("1234567", "Participant", True, ("Participant_1234567_assignsubmission_file/hw1.ipynb",)),
        ("2345678", "Participant", True, ("Participant_2345678_assignsubmission_file_/hw1.ipynb",)),
    ]


def test_blind_marking_in_another_language_is_named_by_the_caller():
    download = moodle_submissions([P("Uczestnik_1234567_assignsubmission_file/hw1.ipynb")], blind_names=("Uczestnik",))
    assert who(download) == [("1234567", "Uczestnik", True, ("Uczestnik_1234567_assignsubmission_file/hw1.ipynb",))]


def test_a_team_download_from_moodle_4_1_is_one_submission_per_group_by_group_id():
    download = read("Group A_42_assignsubmission_file/lab.ipynb", "Group B_43_assignsubmission_file/lab.ipynb")
    assert who(download) == [
        ("42", "Group A", False, ("Group A_42_assignsubmission_file/lab.ipynb",)),
        ("43", "Group B", False, ("Group B_43_assignsubmission_file/lab.ipynb",)),
    ]


def test_a_team_download_from_moodle_4_0_is_one_submission_per_member():
    download = read(
        "Group A-Jane Doe_1234567_assignsubmission_file_/lab.ipynb",
        "Group A-Jan Kowalski_7654321_assignsubmission_file_/lab.ipynb",
    )
    assert who(download) == [
        ("1234567", "Group A-Jane Doe", False, ("Group A-Jane Doe_1234567_assignsubmission_file_/lab.ipynb",)),
        ("7654321", "Group A-Jan Kowalski", False, ("Group A-Jan Kowalski_7654321_assignsubmission_file_/lab.ipynb",)),
    ]


def test_the_default_group_has_no_number_and_is_reported_not_guessed():
    download = read("Group A_42_assignsubmission_file/lab.ipynb", "Default group_assignsubmission_file/lab.ipynb")
    assert [s.participant_id for s in download.submissions] == ["42"]
    assert download.unrecognised == (P("Default group_assignsubmission_file/lab.ipynb"),)


def test_an_underscore_in_a_name_became_a_space_and_digits_stay():
    # Moodle writes "Anna_2 Nowak" as "Anna 2 Nowak": the first "_" always ends the name
    download = read("Anna 2 Nowak_31_assignsubmission_file/lab_2_final.ipynb")
    assert who(download) == [
        ("31", "Anna 2 Nowak", False, ("Anna 2 Nowak_31_assignsubmission_file/lab_2_final.ipynb",))
    ]


def test_polish_letters_are_kept_as_written():
    download = read(
        "Zażółć Gęślą-Jaźń_505_assignsubmission_file/lab.ipynb",
        "Łukasz Żółkiewski_506_assignsubmission_file_lab.ipynb",
    )
    assert who(download) == [
        ("505", "Zażółć Gęślą-Jaźń", False, ("Zażółć Gęślą-Jaźń_505_assignsubmission_file/lab.ipynb",)),
        ("506", "Łukasz Żółkiewski", False, ("Łukasz Żółkiewski_506_assignsubmission_file_lab.ipynb",)),
    ]


def test_participants_are_sorted_by_number_not_by_text():
    download = read("B_100_assignsubmission_file/a.ipynb", "A_9_assignsubmission_file/a.ipynb")
    assert [s.participant_id for s in download.submissions] == ["9", "100"]


def test_paths_of_no_participant_are_kept_as_unrecognised():
    download = read(
        "readme.txt",
        "Jane Doe_1234567_assignsubmission_file/hw1.ipynb",
        "__MACOSX/Jane Doe_1234567_assignsubmission_file/._hw1.ipynb",
        "../Jane Doe_1234567_assignsubmission_file/hw1.ipynb",
        "/Jane Doe_1234567_assignsubmission_file/hw1.ipynb",
        "Jane Doe_1234567_assignfeedback_file/hw1.ipynb",
        "Jane Doe_7654321_assignsubmission_file/x.ipynb",
        "Jane Doe_1234567_assignsubmission_file/../../etc/passwd",
    )
    assert who(download) == [("1234567", "Jane Doe", False, ("Jane Doe_1234567_assignsubmission_file/hw1.ipynb",))] + [
        ("7654321", "Jane Doe", False, ("Jane Doe_7654321_assignsubmission_file/x.ipynb",))
    ]
    assert download.unrecognised == (
        P("../Jane Doe_1234567_assignsubmission_file/hw1.ipynb"),
        P("/Jane Doe_1234567_assignsubmission_file/hw1.ipynb"),
        P("Jane Doe_1234567_assignfeedback_file/hw1.ipynb"),
        P("Jane Doe_1234567_assignsubmission_file/../../etc/passwd"),
        P("__MACOSX/Jane Doe_1234567_assignsubmission_file/._hw1.ipynb"),
        P("readme.txt"),
    )


def test_a_number_seen_under_two_names_is_not_merged():
    download = read("Jane Doe_1234567_assignsubmission_file/a.ipynb", "John Roe_1234567_assignsubmission_file/b.ipynb")
    assert who(download) == [("1234567", "Jane Doe", False, ("Jane Doe_1234567_assignsubmission_file/a.ipynb",))]
    assert download.unrecognised == (P("John Roe_1234567_assignsubmission_file/b.ipynb"),)


def test_an_unpacked_download_inside_its_own_folder():
    download = read("COURSE-Lab 3-991/Jane Doe_1234567_assignsubmission_file/hw1.ipynb")
    assert who(download) == [
        ("1234567", "Jane Doe", False, ("COURSE-Lab 3-991/Jane Doe_1234567_assignsubmission_file/hw1.ipynb",))
    ]


def test_an_empty_folder_is_a_participant_without_files():
    download = read("Jane Doe_1234567_assignsubmission_file")
    assert download.submissions == (MoodleSubmission("1234567", "Jane Doe", False, (), None, ("file",)),)
    assert choose_notebook(download.submissions[0].files, "lab.ipynb") == (None, "no notebook submitted")


# choose_notebook -----------------------------------------------------------------------------------


def files_of(*members: str) -> tuple[P, ...]:
    (submission,) = read(*members).submissions
    return submission.files


def test_one_notebook_beside_a_helper_module_is_graded_and_the_module_is_an_attachment():
    files = files_of(
        "Jan Kowalski_7654321_assignsubmission_file/moj_lab.ipynb",
        "Jan Kowalski_7654321_assignsubmission_file/helpers.py",
    )
    assert choose_notebook(files, "lab.ipynb") == (
        P("Jan Kowalski_7654321_assignsubmission_file/moj_lab.ipynb"),
        "the only notebook submitted",
    )


def test_of_two_notebooks_the_one_named_like_the_template():
    files = files_of(
        "Jane Doe_1234567_assignsubmission_file/Lab.ipynb",
        "Jane Doe_1234567_assignsubmission_file/scratch.ipynb",
    )
    assert choose_notebook(files, "templates/lab.ipynb") == (
        P("Jane Doe_1234567_assignsubmission_file/Lab.ipynb"),
        "2 notebooks submitted: took the one named like the template (lab.ipynb)",
    )


def test_in_flat_mode_the_template_name_is_read_after_the_prefix():
    files = files_of(
        "Jane Doe_1234567_assignsubmission_file_lab.ipynb",
        "Jane Doe_1234567_assignsubmission_file_zz.ipynb",
    )
    assert choose_notebook(files, "lab.ipynb")[0] == P("Jane Doe_1234567_assignsubmission_file_lab.ipynb")


def test_of_two_notebooks_not_named_like_the_template_the_newest():
    first = P("Jane Doe_1234567_assignsubmission_file/b.ipynb")
    second = P("Jane Doe_1234567_assignsubmission_file/a.ipynb")
    assert choose_notebook([first, second], "lab.ipynb", {first: 10.0, second: 20.0}) == (
        second,
        "2 notebooks submitted, 0 named like the template: took the newest",
    )


def test_without_modification_times_the_last_in_name_order_and_the_reason_says_so():
    files = files_of("Jane Doe_1234567_assignsubmission_file/b.ipynb", "Jane Doe_1234567_assignsubmission_file/a.ipynb")
    assert choose_notebook(files, "lab.ipynb") == (
        P("Jane Doe_1234567_assignsubmission_file/b.ipynb"),
        "2 notebooks submitted, 0 named like the template: modification times unknown, took the last in name order",
    )


def test_no_notebook_among_the_files():
    files = files_of("Jane Doe_1234567_assignsubmission_file/lab.py", "Jane Doe_1234567_assignsubmission_file/a.pdf")
    assert choose_notebook(files, "lab.ipynb") == (None, "no notebook submitted")


def test_checkpoints_are_not_notebooks():
    files = files_of(
        "Jane Doe_1234567_assignsubmission_file/lab.ipynb",
        "Jane Doe_1234567_assignsubmission_file/.ipynb_checkpoints/lab-checkpoint.ipynb",
    )
    assert choose_notebook(files, "other.ipynb") == (
        P("Jane Doe_1234567_assignsubmission_file/lab.ipynb"),
        "the only notebook submitted",
    )
