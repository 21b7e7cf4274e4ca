/** 請求: invoices by status; one invoice as the qualified invoice (適格請求書), its payments and late interest. */
import { useState } from 'preact/hooks';
import { api, ok } from '../api.ts';
import { formatDate, INVOICE_KIND, INVOICE_STATUS, yen } from '../format.ts';
import { ErrorBox, Field, link, Loading, Section, useLoad } from '../ui.tsx';

export function InvoicesPage() {
  const [status, setStatus] = useState<'overdue' | 'open' | 'paid'>('overdue');
  const list = useLoad(() => ok(api.GET('/invoices', { params: { query: { status } } })), [status]);
  return (
    <div>
      <h1>請求</h1>
      <div role="tablist" aria-label="請求書の状態" class="tabs">
        {(['overdue', 'open', 'paid'] as const).map((s) => (
          <button key={s} type="button" role="tab" aria-selected={status === s} onClick={() => setStatus(s)}>
            {INVOICE_STATUS[s]}
          </button>
        ))}
      </div>
      <ErrorBox error={list.error} />
      {!list.data ? (
        <Loading what="請求書" />
      ) : list.data.items.length === 0 ? (
        <p>該当する請求書はありません。</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">請求書</th>
              <th scope="col">契約</th>
              <th scope="col">種別</th>
              <th scope="col">発行日</th>
              <th scope="col">支払期日</th>
              <th scope="col">合計</th>
              <th scope="col">残高</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((i) => (
              <tr key={i.id}>
                <td>
                  <a href={link(`/invoices/${i.id}`)}>{i.id}</a>
                </td>
                <td>
                  <a href={link(`/units/${i.unitId}`)}>{i.unitId}</a>
                </td>
                <td>{INVOICE_KIND[i.kind]}</td>
                <td>{formatDate(i.issueDate)}</td>
                <td>{formatDate(i.dueDate)}</td>
                <td class="num">{yen(i.total)}</td>
                <td class="num">{yen(i.balance)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** A payment form: its Idempotency-Key is made once per form, so a double click or a retry pays once. */
function Pay({ id, balance, onDone }: { id: string; balance: number; onDone: () => void }) {
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [amount, setAmount] = useState(String(balance));
  const [paidOn, setPaidOn] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  return (
    <form
      aria-label="入金の記録"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        setBusy(true);
        try {
          const r = await ok(
            api.POST('/invoices/{id}/payments', {
              params: { path: { id }, header: { 'Idempotency-Key': key } },
              body: { amount: Number(amount), ...(paidOn ? { paidOn } : {}) },
            }),
          );
          setDone(`${yen(Number(amount))} の入金を記録しました（残高 ${yen(r.balance)}）`);
          setKey(crypto.randomUUID());
          onDone();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <Field label="入金額（円）">
        <input
          name="amount"
          inputMode="numeric"
          pattern="[0-9]+"
          value={amount}
          onInput={(e) => setAmount((e.target as HTMLInputElement).value)}
          required
        />
      </Field>
      <Field label="入金日（空欄は業務日付）">
        <input type="date" name="paidOn" value={paidOn} onInput={(e) => setPaidOn((e.target as HTMLInputElement).value)} />
      </Field>
      <button type="submit" disabled={busy}>
        入金を記録する
      </button>
      {done && <p role="status">{done}</p>}
      <ErrorBox error={error} />
    </form>
  );
}

export function InvoicePage({ id, role }: { id: string; role: string }) {
  const inv = useLoad(() => ok(api.GET('/invoices/{id}', { params: { path: { id } } })), [id]);
  if (inv.error) return <ErrorBox error={inv.error} />;
  if (!inv.data) return <Loading what="請求書" />;
  const x = inv.data;
  const paid = x.payments.reduce((s, p) => s + p.amount, 0);
  return (
    <div>
      <h1>
        請求書 {x.id} <small>{INVOICE_STATUS[x.status]}</small>
      </h1>
      <article class="invoice" aria-label="適格請求書">
        <header>
          <h2>{x.kind === 'fees' ? '請求書（適格請求書）' : '請求書（遅延損害金）'}</h2>
          <div class="to">
            {x.recipient.name} 御中
            <br />
            {x.recipient.attention} 様
          </div>
          <div class="from">
            {x.issuer.name}
            <br />
            {x.issuer.address}
            <br />
            登録番号 {x.issuer.registrationNumber}
          </div>
          <p>
            発行日 {formatDate(x.issueDate)}　お支払期日 {formatDate(x.dueDate)}
          </p>
          <p class="total">
            ご請求金額 <strong>{yen(x.total)}</strong>（税込）
          </p>
        </header>
        <table>
          <thead>
            <tr>
              <th scope="col">内容</th>
              <th scope="col">期間</th>
              <th scope="col">数量</th>
              <th scope="col">単価</th>
              <th scope="col">金額</th>
            </tr>
          </thead>
          <tbody>
            {x.lines.map((l, i) => (
              <tr key={i}>
                <td>
                  {l.description}
                  {l.taxable ? '' : ' ※非課税'}
                </td>
                <td>
                  {formatDate(l.from)} 〜 {formatDate(l.to)}
                </td>
                <td class="num">{l.accounts === null ? '' : `${l.accounts} × ${l.months ?? ''} か月`}</td>
                <td class="num">{l.unitPrice === null ? '' : yen(l.unitPrice)}</td>
                <td class="num">{yen(l.amount)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={4}>{x.taxRatePercent}% 対象（税抜）</th>
              <td class="num">{yen(x.taxableSubtotal)}</td>
            </tr>
            <tr>
              <th colSpan={4}>消費税（{x.taxRatePercent}%）</th>
              <td class="num">{yen(x.tax)}</td>
            </tr>
            {x.nonTaxable > 0 && (
              <tr>
                <th colSpan={4}>非課税</th>
                <td class="num">{yen(x.nonTaxable)}</td>
              </tr>
            )}
            <tr>
              <th colSpan={4}>合計</th>
              <td class="num">{yen(x.total)}</td>
            </tr>
          </tfoot>
        </table>
      </article>
      <Section title="入金" id="payments">
        {x.payments.length === 0 ? (
          <p>入金はまだありません。</p>
        ) : (
          <table data-testid="payments">
            <thead>
              <tr>
                <th scope="col">入金日</th>
                <th scope="col">記録日</th>
                <th scope="col">金額</th>
              </tr>
            </thead>
            <tbody>
              {x.payments.map((p, i) => (
                <tr key={i}>
                  <td>{formatDate(p.paidOn)}</td>
                  <td>{formatDate(p.recordedOn)}</td>
                  <td class="num">{yen(p.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p>
          入金済み {yen(paid)}・残高 <strong data-testid="balance">{yen(x.balance)}</strong>
          {x.interest > 0 && <>・遅延損害金 {yen(x.interest)}（年 14.5%、完済時に別途請求）</>}
        </p>
        {role === 'operator' && x.balance > 0 && <Pay id={x.id} balance={x.balance} onDone={inv.reload} />}
        <p>
          <a href={link(`/units/${x.unitId}`)}>契約 {x.unitId} へ</a>
        </p>
      </Section>
    </div>
  );
}
