//! CSV for the P5 export: the view's columns, UTF-8 with a byte-order mark so
//! Excel reads accents and apostrophes right, quoting by the `csv` crate so
//! names like `St Mary's, "Upper" School` survive a round trip.

use gatehouse_model::{SchoolRow, SchoolView, columns};

/// Excel needs the BOM to read the file as UTF-8 rather than the locale's code page.
const BOM: &str = "\u{feff}";

pub fn schools_csv(view: SchoolView, rows: &[SchoolRow]) -> Result<Vec<u8>, csv::Error> {
    let columns = columns(view);
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(BOM.as_bytes().to_vec());
    writer.write_record(columns.iter().map(|column| column.heading))?;
    for row in rows {
        writer.write_record(columns.iter().map(|column| neutralise_formula((column.text)(row))))?;
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
            date_invited: None,
            school_contact: None,
            partner_contact: None,
            invitation_status: None,
            priority: false,
            revoked_on: None,
            revoked_by: None,
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
    fn formulas_are_neutralised() {
        let bytes = schools_csv(SchoolView::Active, &[row("=HYPERLINK(\"http://x\")")]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{text}");
    }
}
