namespace Sipas.Bot.Channels.Simulator;

/// <summary>The /dev/phone page: every simulated phone's chat, refreshed every two seconds, with a reply box each.</summary>
public static class PhonePage
{
    public const string Html = """
        <!doctype html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Điện thoại mô phỏng — Sipas</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0; background: #eef1f5; color: #1d2733; }
          header { background: #b71c1c; color: #fff; padding: 12px 16px; }
          header h1 { font-size: 1.1rem; margin: 0; }
          header p { margin: 4px 0 0; font-size: .85rem; opacity: .9; }
          main { display: flex; flex-wrap: wrap; gap: 16px; padding: 16px; }
          .phone { width: 340px; background: #fff; border-radius: 18px; box-shadow: 0 2px 8px rgba(0,0,0,.15); display: flex; flex-direction: column; }
          .phone h2 { font-size: 1rem; margin: 0; padding: 10px 14px; border-bottom: 1px solid #dde3ea; }
          .messages { padding: 10px; display: flex; flex-direction: column; gap: 8px; max-height: 480px; overflow-y: auto; }
          .msg { padding: 8px 10px; border-radius: 12px; white-space: pre-wrap; max-width: 85%; font-size: .92rem; }
          .out { background: #e8edf3; align-self: flex-start; }
          .in { background: #1e88e5; color: #fff; align-self: flex-end; }
          form { display: flex; gap: 6px; padding: 10px; border-top: 1px solid #dde3ea; }
          input { flex: 1; padding: 8px; font-size: 1rem; border: 1px solid #b8c2cc; border-radius: 8px; }
          button { padding: 8px 14px; font-size: 1rem; border: 0; border-radius: 8px; background: #b71c1c; color: #fff; }
          .empty { padding: 24px; }
        </style>
        </head>
        <body>
        <header>
          <h1>Điện thoại mô phỏng</h1>
          <p>Tin nhắn Sipas gửi khi chưa cấu hình nhà mạng. Trả lời thay người dân để thử khảo sát.</p>
        </header>
        <main id="phones"><p class="empty">Chưa có tin nhắn nào. Gửi một sự kiện trả kết quả để bắt đầu.</p></main>
        <script>
        const phones = document.getElementById('phones');
        const drafts = {};
        function render(threads) {
          if (threads.length === 0) return;
          const focused = document.activeElement && document.activeElement.dataset.thread;
          phones.replaceChildren(...threads.map(t => {
            const phone = document.createElement('section');
            phone.className = 'phone';
            phone.dataset.phone = t.phone;
            const title = document.createElement('h2');
            title.textContent = t.phone;
            const list = document.createElement('div');
            list.className = 'messages';
            for (const m of t.messages) {
              const bubble = document.createElement('div');
              bubble.className = 'msg ' + m.direction;
              bubble.textContent = m.text;
              list.appendChild(bubble);
            }
            const form = document.createElement('form');
            const input = document.createElement('input');
            input.name = 'text';
            input.placeholder = 'Nhập câu trả lời…';
            input.autocomplete = 'off';
            input.dataset.thread = t.thread;
            input.value = drafts[t.thread] || '';
            input.addEventListener('input', () => { drafts[t.thread] = input.value; });
            const send = document.createElement('button');
            send.textContent = 'Gửi';
            form.append(input, send);
            form.addEventListener('submit', async e => {
              e.preventDefault();
              const text = input.value.trim();
              if (!text) return;
              drafts[t.thread] = '';
              await fetch('/api/v1/dev/messages', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ thread: t.thread, text }) });
              await refresh();
            });
            phone.append(title, list, form);
            requestAnimationFrame(() => { list.scrollTop = list.scrollHeight; });
            if (focused === t.thread) requestAnimationFrame(() => input.focus());
            return phone;
          }));
        }
        // Redraw only when something changed: a redraw replaces the buttons under the user's pointer.
        let shown = '';
        async function refresh() {
          const response = await fetch('/api/v1/dev/threads');
          if (!response.ok) return;
          const text = await response.text();
          if (text === shown) return;
          shown = text;
          render(JSON.parse(text));
        }
        refresh();
        setInterval(refresh, 2000);
        </script>
        </body>
        </html>
        """;
}
