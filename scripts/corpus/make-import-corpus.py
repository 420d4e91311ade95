#!/usr/bin/env python3
"""Writes the import corpus (console/src/test/resources/import-corpus/): the first 60 real five-minute ETH/USD bars
of Binance.US from the ta4j fixture (MIT, feature-dsl/src/test/resources/fixtures/ta4j/), and the first 600 real
BTC/USDT trades and 600 best bid/offer quotes of a Binance websocket capture (MIT, fixtures/binance-ws/), written
out as the files that trading tools and data vendors give users, plus malformed files. Each file was written by this script for this
project; none is copied from a tool. ImportCorpusTest reads cases.yaml beside them. Rerun after changing a case:
    python3 scripts/corpus/make-import-corpus.py
"""
import datetime as dt
import gzip
import io
import json
import os
from decimal import Decimal

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
src = os.path.join(root, "feature-dsl/src/test/resources/fixtures/ta4j/Binance-ETH-USD-PT5M-20230313_20230315.json")
out = os.path.join(root, "console/src/test/resources/import-corpus")
os.makedirs(out, exist_ok=True)
bars = json.load(open(src))["ohlc"][:60]
# (open time in s, open, high, low, close, volume) as the JSON gives them
rows = [((b["endTime"] + 1) // 1000 - 300, b["openPrice"], b["highPrice"], b["lowPrice"], b["closePrice"], b["volume"])
        for b in bars]


def utc(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc)


def local(t, hours):
    return dt.datetime.fromtimestamp(t + hours * 3600, dt.timezone.utc)


def write(name, text, mode="w", encoding="utf-8", newline=None):
    with open(os.path.join(out, name), mode, encoding=encoding, newline=newline) as f:
        f.write(text)


def dnum(x):  # a decimal as the exchange wrote it, without trailing zeros or an exponent
    return format(Decimal(x).normalize(), "f")


def dec(x):  # a decimal comma
    return str(x).replace(".", ",")


# the source, plainly: what every dialect must import to
write("reference.csv", "time_ms,open,high,low,close,volume\n"
      + "".join(f"{t * 1000},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))

# --- dialects that import to the reference ---
write("cryptodatadownload.csv", "https://www.CryptoDataDownload.com\n"
      "unix,date,symbol,open,high,low,close,Volume ETH,Volume USD\n"
      + "".join(f"{t * 1000},{utc(t):%Y-%m-%d %H:%M:%S},ETH/USD,{o},{h},{l},{c},{v},{v * c:.2f}\n"
                for t, o, h, l, c, v in reversed(rows)))
write("kraken-ohlcvt.csv", "".join(f"{t},{o},{h},{l},{c},{v},{int(v) + 1}\n" for t, o, h, l, c, v in rows))
write("yahoo.csv", "Date,Open,High,Low,Close,Adj Close,Volume\n"
      + "".join(f"{utc(t):%Y-%m-%d %H:%M:%S},{o},{h},{l},{c},{c},{v}\n" for t, o, h, l, c, v in rows))
# MetaTrader 4 history export: date and time columns, no header, the broker's server time (EET, UTC+2 in March)
write("metatrader4.csv", "".join(f"{local(t, 2):%Y.%m.%d},{local(t, 2):%H:%M},{o},{h},{l},{c},{v}\n"
                                 for t, o, h, l, c, v in rows))
# a forex broker's MetaTrader 4 server on New York close time: New York plus seven hours, UTC+3 on 2023-03-13 (the US
# changed on 12 March, Europe only on 26 March, so Europe/Athens would put every bar an hour off)
write("metatrader4-ny-close.csv", "".join(f"{local(t, 3):%Y.%m.%d},{local(t, 3):%H:%M},{o},{h},{l},{c},{v}\n"
                                          for t, o, h, l, c, v in rows))
write("metatrader5.tsv", "<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\n"
      + "".join(f"{utc(t):%Y.%m.%d}\t{utc(t):%H:%M:%S}\t{o}\t{h}\t{l}\t{c}\t{int(v) + 7}\t{v}\t2\n"
                for t, o, h, l, c, v in rows))
write("dukascopy.csv", "Gmt time,Open,High,Low,Close,Volume\n"
      + "".join(f"{utc(t):%d.%m.%Y %H:%M:%S}.000,{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
write("tradingview.csv", "time,open,high,low,close,Volume\n"
      + "".join(f"{t},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
write("excel-eu.csv", "Datum;Eröffnung;Hoch;Tief;Schluss;Volumen\r\n"
      + "".join(f"{utc(t):%d.%m.%Y %H:%M};{dec(o)};{dec(h)};{dec(l)};{dec(c)};{dec(v)}\r\n"
                for t, o, h, l, c, v in rows), encoding="utf-8-sig", newline="")
# histdata.com ASCII bars: EST without daylight saving, ';', no header
write("histdata.csv", "".join(f"{local(t, -5):%Y%m%d %H%M%S};{o};{h};{l};{c};{v}\n" for t, o, h, l, c, v in rows))
write("pandas.csv", "timestamp,open,high,low,close,volume\n"
      + "".join(f"{utc(t):%Y-%m-%d %H:%M:%S}+00:00,{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
write("us-excel.csv", "Date,Open,High,Low,Close,Volume\n"
      + "".join(f"{utc(t).month}/{utc(t).day}/{utc(t):%Y %H:%M},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
write("quoted.csv", "\"time\",\"open\",\"high\",\"low\",\"close\",\"volume\"\n"
      + "".join(f"\"{utc(t):%Y-%m-%dT%H:%M:%SZ}\",\"{o}\",\"{h}\",\"{l}\",\"{c}\",\"{v}\"\n"
                for t, o, h, l, c, v in rows))
# times with their own offset, read by a pattern (EET, as a European exchange writes them)
write("offset-pattern.csv", "time,open,high,low,close,volume\n"
      + "".join(f"{local(t, 2):%d/%m/%Y %H:%M} +02:00,{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
# a 12-hour clock, as US spreadsheets write it
write("us-ampm.csv", "Date,Open,High,Low,Close,Volume\n"
      + "".join(f"{utc(t):%m/%d/%Y %I:%M %p},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
# date and time columns with a slash date
write("us-date-time.csv", "Date,Time,Open,High,Low,Close,Volume\n"
      + "".join(f"{utc(t):%m/%d/%Y},{utc(t):%H:%M},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
# slash dates whose order the file's dates tell (13 is no month) or do not, or tell both ways
write("slash-day-first.csv", "Date,Open,High,Low,Close,Volume\n"
      + "".join(f"{utc(t):%d/%m/%Y %H:%M},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
write("slash-ambiguous.csv", "Date,Open,High,Low,Close,Volume\n"
      + "".join(f"{utc(t - 9 * 86400):%m/%d/%Y %H:%M},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
write("slash-both-ways.csv", "Date,Open,High,Low,Close,Volume\n"
      + "".join(f"{utc(t):%d/%m/%Y %H:%M},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[:30])
      + "".join(f"{utc(t):%m/%d/%Y %H:%M},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[30:]))
# no header, times with month names
write("month-names.csv", "".join(f"{utc(t):%b %d %Y %H:%M},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows))
# the volume in the quote currency only
write("quote-volume-only.csv", "unix,open,high,low,close,Volume USD\n"
      + "".join(f"{t},{o},{h},{l},{c},{v * c:.2f}\n" for t, o, h, l, c, v in rows))
# a damaged first time, then good rows (epoch ms), and MetaTrader date and time columns with a damaged first date
write("bad-first-time.csv", "time,open,high,low,close,volume\n"
      + "".join(f"{'' if i == 0 else t * 1000},{o},{h},{l},{c},{v}\n" for i, (t, o, h, l, c, v) in enumerate(rows)))
write("metatrader-bad-first-date.csv", "".join(
    f"{'2023.03.1' if i == 0 else f'{utc(t):%Y.%m.%d}'},{utc(t):%H:%M},{o},{h},{l},{c},{v}\n"
    for i, (t, o, h, l, c, v) in enumerate(rows)))
os.makedirs(os.path.join(out, "freqtrade/binanceus"), exist_ok=True)
write("freqtrade/binanceus/ETH_USD-5m.json", json.dumps([[t * 1000, o, h, l, c, v] for t, o, h, l, c, v in rows]))
with gzip.GzipFile(os.path.join(out, "binance-spot-us.csv.gz"), "wb", mtime=0) as g, \
        io.TextIOWrapper(g, encoding="utf-8") as f:  # Binance spot archive since 2025: microseconds
    f.write("".join(f"{t * 1000000},{o},{h},{l},{c},{v},{(t + 300) * 1000000 - 1},{v * c:.4f},{int(v) + 1},0,0,0\n"
                    for t, o, h, l, c, v in rows))

# --- malformed files ---
write("empty.csv", "")
write("header-only.csv", "time,open,high,low,close,volume\n")
write("unknown-header.csv", "Datum,Eroeffnung,Hoch,Tief,Schluss,Volumen\n"
      + "".join(f"{t},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[:5]))
body = [f"{t * 1000},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[:20]]
body[12] = body[12].replace(f"{rows[12][0] * 1000},", f"{rows[12][0] * 1000000},", 1)
write("unit-switch.csv", "time,open,high,low,close,volume\n" + "".join(body))
write("bitstamp-millis.csv", "timestamp,price,amount\n1678730400123,1673.58,0.5\n1678730401456,1673.60,0.25\n")
cdd = open(os.path.join(out, "cryptodatadownload.csv"), encoding="utf-8").read().split("\n")
cdd[9] = cdd[9].replace(str(rows[-8][4]), "16\x00\ufffd4.3", 1)  # damaged bytes in a close
write("cryptodatadownload-damaged.csv", "\n".join(cdd))
nf = [f"{t * 1000},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in reversed(rows)]
nf[3] = nf[3].replace(f",{rows[-4][5]}\n", ",-1\n")  # a negative volume, newest first
write("newest-first-bad-row.csv", "time,open,high,low,close,volume\n" + "".join(nf))
hl = [f"{t},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[:10]]
t, o, h, l, c, v = rows[6]
hl[6] = f"{t},{o},{l},{h},{c},{v}\n"  # high and low swapped
write("high-below-low.csv", "time,open,high,low,close,volume\n" + "".join(hl))
write("nan-price.csv", "time,open,high,low,close,volume\n"
      + "".join(f"{t},{'NaN' if i == 4 else o},{h},{l},{c},{v}\n" for i, (t, o, h, l, c, v) in enumerate(rows[:10])))
write("summary-line.csv", "time,open,high,low,close,volume\n"
      + "".join(f"{t},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[:10])
      + f"Total,,,,,{sum(r[5] for r in rows[:10]):.4f}\n")
dup = [f"{t},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[:10]]
dup.insert(5, f"{rows[4][0]},{rows[4][1]},{rows[4][2]},{rows[4][3]},{rows[4][3]},1.0\n")
write("duplicate-time.csv", "time,open,high,low,close,volume\n" + "".join(dup))
write("misaligned.csv", "time,open,high,low,close,volume\n"
      + "".join(f"{t + 120},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[:10]))
write("year-1990.csv", "time,open,high,low,close,volume\n"
      + "".join(f"{t - 33 * 365 * 86400},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[:10]))
write("two-times-disagree.csv", "unix,date,open,high,low,close,volume\n"
      + "".join(f"{t},{utc(t + 3600):%Y-%m-%d %H:%M:%S},{o},{h},{l},{c},{v}\n" for t, o, h, l, c, v in rows[:10]))
# hourly bars in New York local time over the night the clocks went back (2023-11-05): 01:00 comes twice
ny = ["2023-11-05 00:00", "2023-11-05 01:00", "2023-11-05 01:00", "2023-11-05 02:00", "2023-11-05 03:00"]
write("new-york-fall-back.csv", "time,open,high,low,close,volume\n"
      + "".join(f"{s},{o},{h},{l},{c},{v}\n" for s, (t, o, h, l, c, v) in zip(ny, rows)))
with gzip.GzipFile(os.path.join(out, "pandas.csv.gz"), "wb", mtime=0) as g:
    g.write(open(os.path.join(out, "pandas.csv"), "rb").read())
data = open(os.path.join(out, "pandas.csv.gz"), "rb").read()
write("truncated.csv.gz", data[: len(data) // 2], mode="wb", encoding=None)
os.remove(os.path.join(out, "pandas.csv.gz"))
# the same cut short, of US slash dates: the file is read once more to tell their order, and refused the same way
with gzip.GzipFile(os.path.join(out, "us-excel.csv.gz"), "wb", mtime=0) as g:
    g.write(open(os.path.join(out, "us-excel.csv"), "rb").read())
data = open(os.path.join(out, "us-excel.csv.gz"), "rb").read()
write("us-excel-truncated.csv.gz", data[: len(data) // 2], mode="wb", encoding=None)
os.remove(os.path.join(out, "us-excel.csv.gz"))
# --- trades and quotes ---
ws = os.path.join(root, "feature-dsl/src/test/resources/fixtures/binance-ws")
trades = []  # (time ms, price, qty, side 'buy'/'sell' of the aggressor, id)
for line in gzip.open(os.path.join(ws, "btcusdt_20240808_trades.gz"), "rt"):
    d = json.loads(line.split(" ", 1)[1])["data"]
    trades.append((d["T"], dnum(d["p"]), dnum(d["q"]), "sell" if d["m"] else "buy",
                   d["t"]))
    if len(trades) == 600:
        break
quotes = []  # (time ms, bid, ask, bid size, ask size)
for line in gzip.open(os.path.join(ws, "btcusdt_20240808_head4000.gz"), "rt"):
    local_ns, msg = line.split(" ", 1)
    d = json.loads(msg)
    if d.get("stream", "").endswith("@bookTicker"):
        d = d["data"]
        quotes.append((int(local_ns) // 1_000_000, dnum(d["b"]), dnum(d["a"]), dnum(d["B"]), dnum(d["A"])))
        if len(quotes) == 600:
            break


def ms_utc(ms):
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)


write("reference-trades.csv", "time_ms,price,amount,side,id\n"
      + "".join(f"{t},{p},{q},{side},{i}\n" for t, p, q, side, i in trades))
write("reference-quotes.csv", "time_ms,bid,ask,bid_size,ask_size\n"
      + "".join(f"{t},{b},{a},{bs},{az}\n" for t, b, a, bs, az in quotes))
# Binance's spot trade archive: no header, id,price,qty,quote_qty,time,is_buyer_maker,is_best_match
write("binance-trades-archive.csv", "".join(
    f"{i},{p},{q},{dnum(Decimal(p) * Decimal(q))},{t},{'True' if side == 'sell' else 'False'},True\n" for t, p, q, side, i in trades))
# Kraken's REST trades as users dump them: price, volume, time in fractional seconds, b/s, m/l, misc, id
write("kraken-trades.csv", "".join(
    f"{p},{q},{t / 1000:.3f},{side[0]},m,,{i}\n" for t, p, q, side, i in trades))
# Dukascopy's tick export: ask before bid, volumes named AskVolume/BidVolume, day-first times with milliseconds
write("dukascopy-ticks.csv", "Gmt time,Ask,Bid,AskVolume,BidVolume\n" + "".join(
    f"{ms_utc(t):%d.%m.%Y %H:%M:%S}.{t % 1000:03d},{a},{b},{az},{bs}\n" for t, b, a, bs, az in quotes))
# TrueFX's tick files: pair, yyyyMMdd HH:mm:ss.SSS, bid, ask; no header, no sizes
write("truefx-ticks.csv", "".join(
    f"BTC/USDT,{ms_utc(t):%Y%m%d %H:%M:%S}.{t % 1000:03d},{b},{a}\n" for t, b, a, bs, az in quotes))
crossed = [f"{t},{b},{a},{bs},{az}\n" for t, b, a, bs, az in quotes[:20]]
t, b, a, bs, az = quotes[7]
crossed[7] = f"{t},{dnum(Decimal(a) + 1)},{a},{bs},{az}\n"  # a bid above the ask
write("crossed-quotes.csv", "time,bid,ask,bid_size,ask_size\n" + "".join(crossed))
print("wrote", out)
