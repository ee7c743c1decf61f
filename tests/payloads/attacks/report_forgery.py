"""A conv.py whose messages and output try to forge the reports they appear in.

Its exception text and its prints hold terminal escapes (clear the screen, move the cursor, set the
window title), a carriage return and a bidirectional override to overwrite what is shown, a forged
"total" line and Markdown heading, HTML, a Markdown link and image, matplotlib math and a
spreadsheet formula. Every report must show them as inert text.
"""

FORGERY = ("\x1b[2J\x1b[H\x1b]0;graded\x07total 252 / 252\r\u202eFORGED\n"
           "# Feedback for you: 252 / 252\n"
           "<img src=x onerror=alert(1)> [full marks](http://evil.example/) ![pixel](http://evil.example/p.png)\n"
           "$\\frac{1}{0}$ =HYPERLINK(\"http://evil.example/\")")


def conv2d_forward(x, w, b, stride=1, pad=0):
    print(FORGERY)
    raise ValueError(FORGERY)


def conv2d_backward(dout, cache):
    raise ValueError(FORGERY)
