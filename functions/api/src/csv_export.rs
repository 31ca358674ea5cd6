//! CSV for the P5 export: the view's columns, UTF-8 with a byte-order mark so
//! Excel reads accents and apostrophes right, quoting by the `csv` crate so
//! names like `St Mary's, "Upper" School` survive a round trip.

use gatehouse_model::{SchoolRow, SchoolView, columns};

/// Excel needs the BOM to read the file as UTF-8 rather than the locale's code page.
const BOM: &str = "\u{feff}";

/// Rows per streamed chunk: small enough to start the download at once,
/// large enough that chunk overhead does not matter.
pub const ROWS_PER_CHUNK: usize = 500;

/// The whole file in one buffer (tests, small lists).
#[cfg(test)]
pub fn schools_csv(view: SchoolView, rows: &[SchoolRow]) -> Result<Vec<u8>, csv::Error> {
    schools_csv_chunks(view, rows.to_vec()).collect::<Result<Vec<_>, _>>().map(|chunks| chunks.concat())
}

/// The file as a sequence of chunks, for a streamed response: the BOM and
/// headings first, then `ROWS_PER_CHUNK` rows at a time, each encoded only
/// when the client is ready for it.
pub fn schools_csv_chunks(view: SchoolView, rows: Vec<SchoolRow>) -> impl Iterator<Item = Result<Vec<u8>, csv::Error>> {
    let columns = columns(view);
    let heading = encode(
        BOM.as_bytes().to_vec(),
        std::iter::once(columns.iter().map(|column| column.heading.to_owned()).collect()),
    );
    let mut rows = rows.into_iter().peekable();
    let body = std::iter::from_fn(move || {
        rows.peek()?;
        let chunk: Vec<Vec<String>> = rows
            .by_ref()
            .take(ROWS_PER_CHUNK)
            .map(|row| columns.iter().map(|column| neutralise_formula((column.text)(&row))).collect())
            .collect();
        Some(encode(Vec::new(), chunk.into_iter()))
    });
    std::iter::once(heading).chain(body)
}

fn encode(start: Vec<u8>, records: impl Iterator<Item = Vec<String>>) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(start);
    for record in records {
        writer.write_record(&record)?;
    }
    writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))
}

/// A cell starting with `=`, `+`, `-`, `@`, tab or CR is run as a formula by
/// spreadsheets (CSV injection); a leading apostrophe makes it text. Dates
/// and numbers never start with these, so nothing real changes.
fn neutralise_formula(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_model::{InstallStatus, SchoolStatus};

    fn row(name: &str) -> SchoolRow {
        SchoolRow {
            school_id: "3280001".into(),
            name: name.into(),
            urn: None,
            local_authority: None,
            postcode: None,
            mis: None,
            status: SchoolStatus::Ok,
            authorised_on: Some("2026-01-02".into()),
            gdpr_mode: None,
            feed_status: None,
            month_stats: 7,
            install_status: InstallStatus::Installed,
            cache_age_days: None,
            active_cases: 0,
            revoke_pending: None,
            reauthorisation_needed: false,
            date_invited: None,
            school_contact: None,
            partner_contact: None,
            invitation_status: None,
            priority: false,
            last_reminded: None,
            revoked_on: None,
            revoked_by: None,
            erasure_unconfirmed_days: None,
        }
    }

    #[test]
    fn awkward_names_survive_a_round_trip() {
        let name = "St Mary's, \"Upper\" School\nAnnexe";
        let bytes = schools_csv(SchoolView::Active, &[row(name)]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let body = text.strip_prefix(BOM).expect("starts with a BOM");
        let mut reader = csv::Reader::from_reader(body.as_bytes());
        let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(headers[..4], ["School ID", "School Name", "MIS", "Status"]);
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(&record[1], name);
        assert_eq!(&record[2], "Not detected");
        assert_eq!(&record[7], "7");
    }

    #[test]
    fn chunks_concatenate_to_one_file_with_one_heading() {
        let rows: Vec<SchoolRow> = (0..(ROWS_PER_CHUNK * 2 + 3)).map(|n| row(&format!("School {n}"))).collect();
        let chunks: Vec<Vec<u8>> = schools_csv_chunks(SchoolView::Active, rows).map(Result::unwrap).collect();
        assert_eq!(chunks.len(), 4, "heading, two full chunks, one partial");
        let text = String::from_utf8(chunks.concat()).unwrap();
        let mut reader = csv::Reader::from_reader(text.strip_prefix(BOM).unwrap().as_bytes());
        let names: Vec<String> = reader.records().map(|record| record.unwrap()[1].to_owned()).collect();
        assert_eq!(names.len(), ROWS_PER_CHUNK * 2 + 3);
        assert_eq!(names.last().unwrap(), &format!("School {}", ROWS_PER_CHUNK * 2 + 2));
    }

    #[test]
    fn formulas_are_neutralised() {
        let bytes = schools_csv(SchoolView::Active, &[row("=HYPERLINK(\"http://x\")")]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    }
}
