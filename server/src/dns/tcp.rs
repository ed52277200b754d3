//! TCP: length-prefixed messages, several per connection, answered in order. Plain queries
//! come from the same pre-encoded answers as over UDP (without a size limit); the rest, zone
//! transfers among them, from the full path, each message as it is made.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_server::net::xfer::Protocol;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};

use super::engine::{Engine, rcode_of};
use crate::admission::Admission;

/// Idle connections are closed after this (and a message must arrive whole within it).
const IDLE: Duration = Duration::from_secs(10);
/// The same while more than three quarters of the connections are taken.
const CROWDED_IDLE: Duration = Duration::from_secs(1);
/// Connections served at once; more wait in the kernel's backlog.
const CONNECTIONS: usize = 256;

/// Accepts connections until the task is dropped; one address holds at most `per_address`
/// of them (more are closed at once).
pub async fn serve(listener: TcpListener, engine: Arc<Engine>, per_address: usize) {
    let permits = Arc::new(Semaphore::new(CONNECTIONS));
    let admission = Admission::new(CONNECTIONS, per_address, Vec::new());
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else { return };
        match listener.accept().await {
            Ok((stream, peer)) => {
                let Ok(slot) = admission.admit(peer.ip()) else { continue };
                let (engine, admission) = (engine.clone(), admission.clone());
                tokio::spawn(async move {
                    if let Err(error) = connection(stream, peer, &engine, &admission).await {
                        tracing::debug!(%peer, %error, "DNS over TCP: connection ended");
                    }
                    drop((slot, permit));
                });
            }
            Err(error) => {
                tracing::warn!(%error, "DNS over TCP: accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

async fn connection(stream: TcpStream, peer: SocketAddr, engine: &Engine, admission: &Admission) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let (mut reader, writer) = stream.into_split();
    let mut writer = BufWriter::new(writer);
    let mut out = vec![0u8; 65_535];
    loop {
        let mut len = [0u8; 2];
        // The whole message, length and all, within one idle period: trickling bytes buys
        // no time.
        let deadline = tokio::time::Instant::now() + if admission.crowded() { CROWDED_IDLE } else { IDLE };
        match tokio::time::timeout_at(deadline, reader.read_exact(&mut len)).await {
            Ok(Ok(_)) => {}
            // Idle, or closed between messages: a normal end.
            Ok(Err(_)) | Err(_) => return Ok(()),
        }
        let mut request = vec![0u8; u16::from_be_bytes(len) as usize];
        tokio::time::timeout_at(deadline, reader.read_exact(&mut request)).await.map_err(|_| std::io::ErrorKind::TimedOut)??;
        // A message whose answer panicked ends its connection (the panic is counted).
        let Ok(fast) = engine.fast_answer(&engine.catalog.view(), &request, peer.ip(), &mut out, false) else { return Ok(()) };
        match fast {
            Some(n) => {
                engine.metrics.dns_fast_answers(rcode_of(&out[..n]), 1);
                write_message(&mut writer, &out[..n]).await?;
            }
            None => {
                let (tx, mut rx) = mpsc::channel(4);
                let handler = engine.handler.clone();
                let answering = tokio::spawn(async move { super::slow::answer(&handler, request, peer, Protocol::Tcp, tx).await });
                while let Some(message) = rx.recv().await {
                    write_message(&mut writer, &message).await?;
                }
                if answering.await.is_err_and(|e| e.is_panic()) {
                    engine.metrics.panicked("dns");
                    return Ok(());
                }
            }
        }
        writer.flush().await?;
    }
}

async fn write_message(writer: &mut BufWriter<tokio::net::tcp::OwnedWriteHalf>, message: &[u8]) -> std::io::Result<()> {
    let len = u16::try_from(message.len()).map_err(|_| std::io::ErrorKind::InvalidData)?;
    writer.write_all(&len.to_be_bytes()).await?;
    writer.write_all(message).await
}
