//! The operations console's school directory (O1): a bundle of its own.

use crate::pages::OpsDirectory;

portal_app! {
    OpsDirectoryApp {
        "/ops/directory" => OpsDirectory,
    }
}
