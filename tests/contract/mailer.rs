//! The SES mailer against moto: what `SesMailer` sends is what arrives.

use anyhow::Context;
use gatehouse_aws::SesMailer;
use gatehouse_core::EmailAddress;
use gatehouse_core::ports::{Email, Mailer};
use gatehouse_tests::moto;
use serde_json::Value;

#[tokio::test]
async fn ses_mailer_delivers_subject_body_and_recipient() -> anyhow::Result<()> {
    let config = moto::sdk_config().await;
    let ses = aws_sdk_sesv2::Client::new(&config);
    // SES refuses senders it has not verified; moto verifies on creation.
    let domain = format!("{}.example", moto::unique_name("mailer"));
    ses.create_email_identity().email_identity(&domain).send().await?;
    let sender = EmailAddress::parse(&format!("no-reply@{domain}"))?;
    let recipient = EmailAddress::parse("office@ysgol.example")?;
    let link = format!("https://gatehouse.example/sign-in#token={}", moto::unique_name("token"));

    let mailer = SesMailer::new(ses, sender.clone());
    mailer
        .send(Email {
            to: recipient.clone(),
            subject: "Your Gatehouse sign-in link".into(),
            text: format!("Sign in: {link}"),
            html: format!("<p><a href=\"{link}\">Sign in</a></p>"),
        })
        .await?;

    let messages = moto::ses_messages().await?;
    let sent =
        messages.iter().find(|message| message["source"] == sender.as_str()).context("no message from the sender")?;
    assert_eq!(sent["destinations"]["ToAddresses"], serde_json::json!([recipient.as_str()]));
    assert_eq!(sent["subject"], "Your Gatehouse sign-in link");
    // moto keeps only the HTML body when both are sent.
    assert!(sent["body"].as_str().is_some_and(|body| body.contains(&link)), "the body carries the link");
    Ok(())
}

#[tokio::test]
async fn ses_mailer_fails_for_an_unverified_sender() -> anyhow::Result<()> {
    let ses = aws_sdk_sesv2::Client::new(&moto::sdk_config().await);
    let sender = EmailAddress::parse(&format!("no-reply@{}.example", moto::unique_name("unverified")))?;
    let mailer = SesMailer::new(ses, sender);

    let sent = mailer
        .send(Email {
            to: EmailAddress::parse("office@ysgol.example")?,
            subject: "Not sent".into(),
            text: "Not sent".into(),
            html: "<p>Not sent</p>".into(),
        })
        .await;
    let error = sent.expect_err("SES rejects an unverified sender");
    assert!(!format!("{error:#}").contains("office@ysgol.example"), "errors never carry the recipient");
    Ok(())
}

/// Every send names the stack's configuration set (#15), whose event
/// destination reports bounces and complaints. moto accepts and ignores the
/// name, so the request is read at a stand-in for the SES endpoint.
#[tokio::test]
async fn ses_mailer_names_its_configuration_set_on_every_send() -> anyhow::Result<()> {
    use std::sync::{Arc, Mutex};

    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let record = seen.clone();
    let stand_in = axum::Router::new().fallback(move |body: axum::body::Bytes| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(serde_json::from_slice(&body).unwrap_or(Value::Null));
            axum::Json(serde_json::json!({ "MessageId": "stand-in" }))
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, stand_in).await });
    let config = aws_sdk_sesv2::config::Builder::from(&moto::sdk_config().await).endpoint_url(endpoint).build();
    let sender = EmailAddress::parse("no-reply@gatehouse.example")?;
    let mailer = SesMailer::new(aws_sdk_sesv2::Client::from_conf(config), sender)
        .with_configuration_set(Some("gatehouse-dev-emails".into()));

    let email = Email {
        to: EmailAddress::parse("office@ysgol.example")?,
        subject: "Subject".into(),
        text: "Text".into(),
        html: "<p>Html</p>".into(),
    };
    mailer.send(email.clone()).await?;
    mailer.send(email).await?;
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|request| request["ConfigurationSetName"] == "gatehouse-dev-emails"), "{seen:?}");
    Ok(())
}
